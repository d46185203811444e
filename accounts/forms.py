from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import gettext_lazy as _

from .credit_code import normalize_credit_code, validate_credit_code
from .enums import OrganizationKind, Role
from .models import Delegation, Membership, Organization, User
from .services import user_by_login

SIGN_UP_KINDS = [
    (k.value, k.label)
    for k in (
        OrganizationKind.GUIDANCE_SUB_FUND,
        OrganizationKind.MARKET_FUND,
        OrganizationKind.COMMERCIAL_BANK,
        OrganizationKind.ENTERPRISE,
        OrganizationKind.TECHNOLOGY_EXCHANGE,
        OrganizationKind.TRANSFER_OFFICE,
        OrganizationKind.OTHER,
    )
]


class LoginForm(AuthenticationForm):
    """Says how long to wait when the username is in its login delay
    (accounts.backends.LoginDelayBackend refused it unchecked)."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            wait = getattr(self.request, "login_wait", 0)
            if wait:
                raise forms.ValidationError(
                    _("该账号登录失败次数过多，请 %(s)d 秒后再试。") % {"s": wait},
                    code="login_delayed",
                ) from None
            raise

    @property
    def delayed(self) -> bool:
        return bool(getattr(self.request, "login_wait", 0))


class AccountFields(forms.Form):
    username = UsernameField(label=_("用户名"), max_length=150)
    name = forms.CharField(label=_("姓名"), max_length=100)
    email = forms.EmailField(label=_("邮箱"))
    password1 = forms.CharField(
        label=_("密码"), widget=forms.PasswordInput, strip=False
    )
    password2 = forms.CharField(
        label=_("再次输入密码"), widget=forms.PasswordInput, strip=False
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该用户名已被使用。"))
        return username

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif p1:
            try:
                password_validation.validate_password(
                    p1,
                    User(
                        username=data.get("username", ""), email=data.get("email", "")
                    ),
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SignUpForm(AccountFields):
    organization_name = forms.CharField(label=_("机构名称"), max_length=200)
    kind = forms.ChoiceField(label=_("机构类型"), choices=SIGN_UP_KINDS)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=25,
        help_text=_("18 位，见营业执照或登记证书。"),
    )
    phone = forms.CharField(label=_("联系电话"), max_length=40)

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        return code


class MemberForm(AccountFields):
    pass


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("通过")), ("reject", _("拒绝"))]
    )
    reason = forms.CharField(required=False, max_length=2000)


class MemberDecisionForm(forms.Form):
    membership = forms.ModelChoiceField(
        queryset=Membership.objects.filter(approved=False),
        error_messages={"invalid_choice": _("该成员不在待批准队列中。")},
    )
    decision = forms.ChoiceField(
        choices=[("approve", _("批准")), ("reject", _("拒绝"))]
    )


class AutoApproveForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.all())
    enabled = forms.BooleanField(required=False)


class RoleGrantForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    organization = forms.ModelChoiceField(
        label=_("机构"), queryset=Organization.objects.order_by("name")
    )
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(
                _("没有用户名为“%(username)s”的用户。") % {"username": username}
            )
        self.cleaned_data["user"] = user
        return username


class RoleRevokeForm(forms.Form):
    membership = forms.ModelChoiceField(
        queryset=Membership.objects.all(),
        error_messages={"invalid_choice": _("该角色已不存在。")},
    )


class DelegationGrantForm(forms.Form):
    """An institution delegates a technology manager of a transfer office;
    ``institutions`` are those the one granting may delegate for."""

    institution = forms.ModelChoiceField(
        label=_("委托机构"),
        queryset=Organization.objects.none(),
        error_messages={
            "required": _("请选择委托机构。"),
            "invalid_choice": _("请选择委托机构。"),
        },
    )
    manager = forms.CharField(
        label=_("技术经理人（用户名或邮箱）"),
        max_length=254,
        error_messages={"required": _("请填写技术经理人的用户名或邮箱。")},
    )
    office = forms.ModelChoiceField(
        label=_("所在技术转移机构"),
        queryset=Organization.objects.filter(
            kind=OrganizationKind.TRANSFER_OFFICE
        ).order_by("name"),
        error_messages={
            "required": _("请选择技术转移机构。"),
            "invalid_choice": _("请选择技术转移机构。"),
        },
    )
    since = forms.DateField(
        label=_("委托起始日（默认今天）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请按 2026-03-01 的格式填写日期。")},
    )
    until = forms.DateField(
        label=_("委托截止日（可不填）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请按 2026-03-01 的格式填写日期。")},
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        if len(institutions[:2]) == 1:  # one's own institution: nothing to choose
            self.fields["institution"].empty_label = None

    def clean_manager(self):
        login = self.cleaned_data["manager"].strip()
        user = user_by_login(login)
        if user is None:
            raise forms.ValidationError(
                _("没有用户名或邮箱为“%(login)s”的用户。") % {"login": login}
            )
        self.cleaned_data["manager_user"] = user
        return login


class DelegationRevokeForm(forms.Form):
    delegation = forms.ModelChoiceField(
        queryset=Delegation.objects.all(),
        error_messages={
            "required": _("该委托已不存在。"),
            "invalid_choice": _("该委托已不存在。"),
        },
    )


class NotificationSettingsForm(forms.Form):
    """One email switch per kind the page offers this person."""

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            self.fields[self.field_name(kind.key)] = forms.BooleanField(
                label=kind.label, help_text=kind.help, required=False
            )
        if self.initial:
            self.initial = {
                self.field_name(key): value for key, value in self.initial.items()
            }

    @staticmethod
    def field_name(key: str) -> str:
        return "email_" + key.replace(".", "__")

    def rows(self) -> list:
        """(kind, its checkbox), in the page's order."""
        return [(kind, self[self.field_name(kind.key)]) for kind in self.kinds]

    def emails(self) -> dict[str, bool]:
        return {
            kind.key: self.cleaned_data[self.field_name(kind.key)]
            for kind in self.kinds
        }
