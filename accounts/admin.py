from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Membership, Organization, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            obj.deactivated_by = request.user
            obj.save(update_fields=["deactivated_by"])


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "investor_status"]
    list_filter = ["kind", "investor_status"]
    search_fields = ["name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["organization", "label", "prefix", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "last_used_at"]
