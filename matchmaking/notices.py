"""What matchmaking registers with accounts.notifications: the switch for
the weekly digest of new recommendations (email only), shown on the
notification settings page with every other kind."""

from django.utils.translation import gettext_lazy

from accounts.enums import Role
from accounts.notifications import notification_kind

DIGEST = "matchmaking.digest"

notification_kind(
    DIGEST,
    label=gettext_lazy("每周推荐邮件"),
    help=gettext_lazy("每周一封：符合贵机构投资偏好的新成果。"),
    roles=(Role.INVESTOR,),
    order=91,
    in_app=False,
)
