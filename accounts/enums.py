from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    SPECIALIZED_AGENCY = "specialized_agency", _("专业机构")
    TORCH_CENTRE = "torch_centre", _("火炬中心")
    LOCAL_ST_DEPARTMENT = "local_st_department", _("地方科技管理部门")
    HI_TECH_ZONE = "hi_tech_zone", _("国家高新区")
    AGRI_HI_TECH_ZONE = "agri_hi_tech_zone", _("农业高新技术产业示范区")
    UNIVERSITY = "university", _("高等学校")
    INSTITUTE = "institute", _("科研院所")
    ENTERPRISE = "enterprise", _("企业")
    TRANSFER_OFFICE = "transfer_office", _("高校技术转移机构")
    GUIDANCE_SUB_FUND = "guidance_sub_fund", _("国家科技成果转化引导基金子基金")
    MARKET_FUND = "market_fund", _("市场化基金")
    COMMERCIAL_BANK = "commercial_bank", _("商业银行")
    TECHNOLOGY_EXCHANGE = "technology_exchange", _("技术交易所")
    OTHER = "other", _("其他")


# The institutions that may delegate a technology manager 技术经理人 of a
# transfer office to act for them (accounts.services.delegation_grant).
DELEGATING_KINDS = (OrganizationKind.UNIVERSITY, OrganizationKind.INSTITUTE)


class Role(models.TextChoices):
    ORGANIZER = "organizer", _("组织方")
    REVIEWER = "reviewer", _("保密审查员")
    TEAM = "team", _("成果团队成员")
    INVESTOR = "investor", _("投资方/需求方")


class RoleChangeKind(models.TextChoices):
    GRANTED = "granted", _("已授予")
    REVOKED = "revoked", _("已撤销")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已拒绝")


# Roles a colleague may pass on (accounts.services.member_add); the others
# are granted by organizers only.
COLLEAGUE_ROLES = (Role.TEAM, Role.INVESTOR)


class InvestorStatus(models.TextChoices):
    NONE = "none", _("未申请")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已拒绝")
