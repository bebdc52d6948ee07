"""The emergency plans every shop starts with (应急预案): system down, courier outage, mass complaints.
The shop edits or adds to them in the admin."""

from django.db import migrations

PLANS = [
    (
        "系统故障",
        "在团队群通知所有在岗客服\n把自动回复切换为“由于系统原因，回复可能稍慢，请您耐心等待”\n记录故障开始时间和影响范围\n联系技术负责人/平台客服并记录工单号\n手工登记故障期间的咨询和订单\n恢复后逐一回复等待中的客户\n记录故障结束时间，写入交接本",
    ),
    (
        "快递停运",
        "确认停运的快递公司、地区和预计恢复时间\n暂停受影响地区的发货，订单备注说明\n把自动回复切换为物流延迟说明\n用物流异常通知模板告知已发货的受影响客户\n需要时改发其他快递并登记补发\n恢复后核对积压订单并全部发出",
    ),
    (
        "集中投诉",
        "通知主管并指定专人统一答复\n整理投诉原因，统一答复口径（话术）\n暂停相关商品的推广或销售\n逐一登记投诉并按时限答复\n需要赔偿的报主管审批\n事后复盘，把原因和改进写入问题反馈",
    ),
]


def create(apps, schema_editor):
    EmergencyPlan = apps.get_model("team", "EmergencyPlan")
    for position, (title, steps) in enumerate(PLANS):
        EmergencyPlan.objects.get_or_create(title=title, defaults={"steps": steps, "position": position})


def remove(apps, schema_editor):
    apps.get_model("team", "EmergencyPlan").objects.filter(title__in=[p[0] for p in PLANS], runs__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("team", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
