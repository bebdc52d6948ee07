from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core import roles, shopsettings
from kefu.core.decorators import staff_required


@staff_required
def home(request):
    """The back office's front page: what waits on the team, from each app's badges."""
    return render(request, "core/home.html")


@staff_required
def shop_settings(request):
    """Every rule number of the shop on one page; supervisors and admins may change them."""
    can_edit = roles.has_role(request.user, roles.SUPERVISOR, roles.ADMIN)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        changed = 0
        for rule in shopsettings.rules():
            field = f"rule-{rule.key}"
            if rule.kind is bool:
                raw = field in request.POST
            elif field in request.POST:
                raw = request.POST[field]
            else:
                continue
            current = shopsettings.get(rule.key)
            try:
                new = shopsettings.coerce(rule, raw)
                if new != current:
                    shopsettings.shop_setting_set(key=rule.key, value=new, by=request.user)
                    changed += 1
            except ValidationError as exc:
                errors[rule.key] = " ".join(exc.messages)
        if not errors:
            messages.success(request, _("已保存 %(n)d 项设置。") % {"n": changed})
            return redirect("core:settings")
    rows = []
    for rule in shopsettings.rules():
        value = shopsettings.get(rule.key)
        if rule.kind is list:
            value = ", ".join(str(v) for v in value)
        raw = request.POST.get(f"rule-{rule.key}", value) if errors else value
        rows.append({"rule": rule, "value": raw, "error": errors.get(rule.key), "is_bool": rule.kind is bool})
    return render(request, "core/settings.html", {"rows": rows, "can_edit": can_edit})
