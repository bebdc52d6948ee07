"""The chat's tables take the app's name: ``desk_*`` becomes ``chat_*``.

Renaming keeps every row, id and identity sequence; the foreign keys of other tables follow the
renamed table on SQLite and PostgreSQL alike. The indexes that carry the table's name in theirs are
renamed with it, so the database matches the models whatever the shop started from.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="agentpresence", table=None),
        migrations.AlterModelTable(name="conversation", table=None),
        migrations.AlterModelTable(name="message", table=None),
        migrations.AlterModelTable(name="suggestionuse", table=None),
        migrations.RenameIndex(
            model_name="conversation",
            old_name="desk_conver_status_bb56bb_idx",
            new_name="chat_conver_status_e467d2_idx",
        ),
        migrations.RenameIndex(
            model_name="conversation",
            old_name="desk_conver_agent_i_e926ad_idx",
            new_name="chat_conver_agent_i_a11f5c_idx",
        ),
        migrations.RenameIndex(
            model_name="message",
            old_name="desk_messag_convers_0c3f95_idx",
            new_name="chat_messag_convers_0a488e_idx",
        ),
        migrations.RenameIndex(
            model_name="suggestionuse",
            old_name="desk_sugges_article_b00d3b_idx",
            new_name="chat_sugges_article_32c842_idx",
        ),
    ]
