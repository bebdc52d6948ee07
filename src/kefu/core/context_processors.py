from kefu.core import lint, navigation, roles


def desk(request):
    """What every page's navigation needs: the user's roles, the app links and their counters."""
    # A page that renders fragments of other apps (panels) renders templates with this request more
    # than once: count the badges once per request.
    cached = getattr(request, "_kefu_desk_context", None)
    if cached is not None:
        return cached
    request._kefu_desk_context = context = _desk(request)
    return context


def _desk(request):
    user = getattr(request, "user", None)
    if not roles.is_staff_member(user):
        return {"is_staff_member": False}
    names = roles.role_names(user)
    counts = navigation.badges(request)
    nav_links = navigation.links(request, counts)
    return {
        "is_staff_member": True,
        "is_admin": roles.ADMIN in names,
        "is_supervisor": bool(names & {roles.SUPERVISOR, roles.ADMIN}),
        "nav_badges": counts,
        "nav_links": nav_links,
        "nav_sections": navigation.sections(nav_links),
        "lint_url": lint.checker_url(),
    }
