from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Membership, Organization, User


class MembershipInline(admin.TabularInline):
    """Read-only: roles are given and taken on the organizers' roles page
    (/admin/roles/), which records every change."""

    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["organization", "role", "approved", "added_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class RoadshowUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    fieldsets = UserAdmin.fieldsets + (
        (
            "Roadshow",
            {
                "fields": (
                    "name",
                    "email_confirmed_at",
                    "deactivated_at",
                    "deactivated_by",
                )
            },
        ),
    )
    readonly_fields = ["email_confirmed_at", "deactivated_at", "deactivated_by"]

    def get_readonly_fields(self, request, obj=None):
        # Superuser and staff make organizers and admin users outside the
        # recorded roles page: only a superuser changes them.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff", "user_permissions", "groups"]
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            obj.deactivated_by = request.user
            obj.save(update_fields=["deactivated_by"])


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "investor_status", "colleagues_auto_approved"]
    list_filter = ["kind", "investor_status", "colleagues_auto_approved"]
    search_fields = ["name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["organization", "label", "prefix", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "last_used_at"]
