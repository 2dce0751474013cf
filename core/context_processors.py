from core.roles import Role, user_roles


def roles(request):
    """Tell templates which roles the visitor holds, for the navigation."""
    held = user_roles(request.user) if hasattr(request, "user") else set()
    return {
        "is_admin_role": Role.ADMIN in held,
        "is_organiser": Role.ORGANISER in held,
        "is_participant": Role.PARTICIPANT in held,
    }
