"""Demo data for ``kefu serve --demo``: two customers already waiting in the chat console."""

from kefu.chat import services


def load() -> str:
    started = 0
    for name, contact, text in [
        ("陈小姐", "tb_chen2024", "在吗？我昨天拍的面霜什么时候发货呀"),
        ("", "", "敏感肌可以用你们家的精华液吗"),
    ]:
        conversation = services.conversation_start(buyer_name=name, buyer_contact=contact, page_url="/")
        services.customer_message_send(conversation=conversation, text=text)
        started += 1
    return f"{started} 个等待接入的会话"
