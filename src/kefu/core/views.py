from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core import home as my_day
from kefu.core import roles, shopsettings
from kefu.core.decorators import staff_required


@staff_required
def home(request):
    """The back office's front page: this person's day in a few counts, each linking to its list;
    below them the desk's pages by section."""
    return render(request, "core/home.html", {"tiles": my_day.tiles(request)})


@staff_required
def shop_settings(request):
    """Every rule number of the shop on one page; supervisors and admins may change them."""
    can_edit = roles.has_role(request.user, roles.SUPERVISOR, roles.ADMIN)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        values: dict[str, object] = {}
        for rule in shopsettings.rules():
            field = f"rule-{rule.key}"
            if rule.kind is bool:
                values[rule.key] = field in request.POST
            elif field in request.POST:
                values[rule.key] = request.POST[field]
        loaded = {
            key.removeprefix("was-"): value for key, value in request.POST.items() if key.startswith("was-")
        }
        try:
            changed = shopsettings.shop_settings_save(values=values, loaded=loaded, by=request.user)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("已保存 %(n)d 项设置。") % {"n": changed})
            return redirect("core:settings")
    changes = shopsettings.last_changes()
    shown = shopsettings.shop_settings_loaded()
    sections = []
    for area, name, area_rules in shopsettings.rules_by_area():
        rows = []
        for rule in area_rules:
            value = shown[rule.key]
            raw = request.POST.get(f"rule-{rule.key}", value) if errors else value
            # what this page showed: kept across a refused save, so the next save still compares with it
            was = request.POST.get(f"was-{rule.key}", value) if errors else value
            change = changes.get(rule.key)
            default = shopsettings.display_default(rule)
            rows.append(
                {
                    "rule": rule,
                    "value": raw,
                    "was": was,
                    "default": default,
                    "changed": value != default,
                    "changed_by": change.updated_by if change else None,
                    "changed_by_name": _person(change.updated_by) if change else "",
                    "changed_at": change.updated_at if change else None,
                    "error": " ".join(errors.get(rule.key, [])),
                    "is_bool": rule.kind is bool,
                }
            )
        sections.append({"area": area, "name": name, "rows": rows})
    return render(
        request,
        "core/settings.html",
        {"sections": sections, "can_edit": can_edit},
        status=400 if errors else 200,
    )


def _person(user) -> str:
    """Who changed a setting, as colleagues call them (an account since deleted: the admin)."""
    if user is None:
        return _("管理员")
    return user.get_full_name() or user.username
