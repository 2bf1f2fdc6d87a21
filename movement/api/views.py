from django.utils.translation import gettext_lazy as _
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from movement import selectors, services
from movement.api.serializers import (
    AppraisalSerializer,
    AppraisalThresholdSerializer,
    CommendationSerializer,
    CommitmentSerializer,
    EidTallySerializer,
    GradingCriterionSerializer,
    GradingDeadlineSerializer,
    MediationCaseSerializer,
    OrganisationCommitmentTallySerializer,
    OutreachSessionSerializer,
    PatrolSerializer,
    RecognitionCriterionSerializer,
    ReintegrationCaseSerializer,
    SafetyRecognitionSerializer,
    SelfManagementModelSerializer,
    TeamAppraisalSerializer,
    TeamMemberSerializer,
    TeamSerializer,
    WeaponSurrenderSerializer,
)
from movement.fields import (
    APPRAISAL_ORDERING,
    APPRAISAL_SORTABLE,
    COMMENDATION_ORDERING,
    COMMENDATION_SORTABLE,
    COMMITMENT_ORDERING,
    COMMITMENT_SORTABLE,
    EID_TALLY_ORDERING,
    EID_TALLY_SORTABLE,
    MEDIATION_CASE_ORDERING,
    MEDIATION_CASE_SORTABLE,
    ORGANISATION_COMMITMENT_TALLY_ORDERING,
    ORGANISATION_COMMITMENT_TALLY_SORTABLE,
    OUTREACH_SESSION_ORDERING,
    OUTREACH_SESSION_SORTABLE,
    PATROL_ORDERING,
    PATROL_SORTABLE,
    REINTEGRATION_CASE_ORDERING,
    REINTEGRATION_CASE_SORTABLE,
    SAFETY_RECOGNITION_ORDERING,
    SAFETY_RECOGNITION_SORTABLE,
    SELF_MANAGEMENT_MODEL_ORDERING,
    SELF_MANAGEMENT_MODEL_SORTABLE,
    TEAM_APPRAISAL_ORDERING,
    TEAM_APPRAISAL_SORTABLE,
    TEAM_MEMBER_ORDERING,
    TEAM_MEMBER_SORTABLE,
    TEAM_ORDERING,
    TEAM_SORTABLE,
    WEAPON_SURRENDER_ORDERING,
    WEAPON_SURRENDER_SORTABLE,
)
from movement.filtersets import (
    AppraisalFilterSet,
    AppraisalThresholdFilterSet,
    CommendationFilterSet,
    CommitmentFilterSet,
    EidTallyFilterSet,
    GradingCriterionFilterSet,
    GradingDeadlineFilterSet,
    MediationCaseFilterSet,
    OrganisationCommitmentTallyFilterSet,
    OutreachSessionFilterSet,
    PatrolFilterSet,
    RecognitionCriterionFilterSet,
    ReintegrationCaseFilterSet,
    SafetyRecognitionFilterSet,
    SelfManagementModelFilterSet,
    TeamAppraisalFilterSet,
    TeamFilterSet,
    TeamMemberFilterSet,
    WeaponSurrenderFilterSet,
)
from movement.models import (
    Appraisal,
    AppraisalThreshold,
    Commendation,
    Commitment,
    EidTally,
    GradingCriterion,
    GradingDeadline,
    MediationCase,
    OrganisationCommitmentTally,
    OutreachSession,
    Patrol,
    RecognitionCriterion,
    ReintegrationCase,
    SafetyRecognition,
    SelfManagementModel,
    Team,
    TeamAppraisal,
    TeamMember,
    WeaponSurrender,
)
from wardsecurity.api.pagination import PageNumberPagination
from wardsecurity.api.viewsets import WardRecordViewSet

PAGE_AND_CURSOR_MESSAGE = _("Give a page number or a cursor, not both.")


class SelfManagementModelViewSet(WardRecordViewSet):
    """Self-management models for security and order (mô hình tự quản về ANTT, such as "Camera an
    ninh" or "Cổng chợ văn minh"): kind, founding date, status, whether exemplary (điển hình tiên
    tiến), the groups they cover and the lead organisation.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: groups or an organisation of another ward (400), writes by steering viewers and
    province reviewers (403).
    """

    model = SelfManagementModel
    serializer_class = SelfManagementModelSerializer
    filterset_class = SelfManagementModelFilterSet
    selectors = (selectors.self_management_model_list, selectors.self_management_model_get)
    services = (
        services.self_management_model_create,
        services.self_management_model_update,
        services.self_management_model_delete,
    )
    ordering_fields = SELF_MANAGEMENT_MODEL_SORTABLE
    ordering = SELF_MANAGEMENT_MODEL_ORDERING


class TeamViewSet(WardRecordViewSet):
    """Teams (tổ): the statutory grassroots security and order teams (Tổ bảo vệ an ninh, trật tự ở
    cơ sở, since July 2024) and the volunteer groups (tổ tự quản, tổ an ninh xã hội, tổ liên gia an
    toàn PCCC …), with their groups, model, decision number and dates. A team that keeps a roster
    (`team-members`) takes its headcount from it; otherwise the headcount is declared.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: groups or a model of another ward (400), dates in the wrong order or in a closed
    period (400), writes by steering viewers and province reviewers (403).
    """

    model = Team
    serializer_class = TeamSerializer
    filterset_class = TeamFilterSet
    selectors = (selectors.team_list, selectors.team_get)
    services = (services.team_create, services.team_update, services.team_delete)
    ordering_fields = TEAM_SORTABLE
    ordering = TEAM_ORDERING


class TeamMemberViewSet(WardRecordViewSet):
    """Team members (tổ trưởng, tổ phó, tổ viên): the roster of a team, with role, phone, birth
    year and the dates they joined and left. Adding, changing or removing one recounts the team's
    headcount.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope, with the personal fields
    (full_name, phone, birth_year) null; administrators read and write all.

    Refused: a team of another ward (404), moving a member to another ward's team (400), dates in
    a closed period (400), writes by steering viewers and province reviewers (403).
    """

    model = TeamMember
    serializer_class = TeamMemberSerializer
    filterset_class = TeamMemberFilterSet
    selectors = (selectors.team_member_list, selectors.team_member_get)
    services = (
        services.team_member_create,
        services.team_member_update,
        services.team_member_delete,
    )
    ordering_fields = TEAM_MEMBER_SORTABLE
    ordering = TEAM_MEMBER_ORDERING


class PatrolViewSet(WardRecordViewSet):
    """Patrols and duty shifts (ca trực, tuần tra) of the grassroots security and order teams:
    the team, day, shift, area, members on duty, what was found and the incidents found. One entry
    per team, day and shift; the ward is the team's.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    and province reviewers read those of their scope (what was found is personal data, null for
    them); administrators read and write all.

    Refused: a team of another ward, a day in the future, before the team was founded or after it
    was dissolved, more members on duty than the team has, a second entry for the same shift, a
    day in a closed period (400); writes by steering viewers and province reviewers (403).
    """

    model = Patrol
    serializer_class = PatrolSerializer
    filterset_class = PatrolFilterSet
    selectors = (selectors.patrol_list, selectors.patrol_get)
    services = (services.patrol_create, services.patrol_update, services.patrol_delete)
    ordering_fields = PATROL_SORTABLE
    ordering = PATROL_ORDERING


class TeamAppraisalViewSet(WardRecordViewSet):
    """Yearly appraisals of the grassroots security and order teams (đánh giá, xếp loại tổ bảo vệ
    an ninh, trật tự), for the appraisal year 15 November to 14 November named by its end year:
    one of four levels, with the decision and a note.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    and province reviewers read those of their scope; administrators read and write all.

    Refused: a team that is not a Tổ bảo vệ an ninh, trật tự, worked under the required months or
    was dissolved before the year began; a year not yet started; more teams at the top level than
    the cap allows (the rule's share of the teams rated well, named with its source) (400);
    writes by steering viewers and province reviewers (403).
    """

    model = TeamAppraisal
    serializer_class = TeamAppraisalSerializer
    filterset_class = TeamAppraisalFilterSet
    selectors = (selectors.team_appraisal_list, selectors.team_appraisal_get)
    services = (
        services.team_appraisal_create,
        services.team_appraisal_update,
        services.team_appraisal_delete,
    )
    ordering_fields = TEAM_APPRAISAL_SORTABLE
    ordering = TEAM_APPRAISAL_ORDERING


class CommitmentViewSet(WardRecordViewSet):
    """Commitments (ký cam kết): a household or an organisation — exactly one — commits for a year
    to a kind of pledge (safe-area registration, no crime and social evils, no firecrackers,
    traffic order, fire safety …). Safe-area registration by every household is a criterion of the
    safe-area recognition.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope, households named by their
    code only; administrators read and write all.

    Refused: both signers or neither (400), a second commitment of the same signer, year and kind
    (400), a signer of another ward (400), a signing date in a closed period (400), writes by
    steering viewers and province reviewers (403).
    """

    model = Commitment
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilterSet
    selectors = (selectors.commitment_list, selectors.commitment_get)
    services = (
        services.commitment_create,
        services.commitment_update,
        services.commitment_delete,
    )
    ordering_fields = COMMITMENT_SORTABLE
    ordering = COMMITMENT_ORDERING


class MediationCaseViewSet(WardRecordViewSet):
    """Grassroots mediation cases (hòa giải ở cơ sở): date received, subject (land, family,
    neighbours, debt …), the parties, whether the case touches security, the outcome (resolved =
    hòa giải thành, unresolved = không thành, referred) and the closing date.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope, with the parties null;
    administrators read and write all.

    Refused: a group of another ward (400), a closing date before the receipt, dates in a closed
    period (400), writes by steering viewers and province reviewers (403).
    """

    model = MediationCase
    serializer_class = MediationCaseSerializer
    filterset_class = MediationCaseFilterSet
    selectors = (selectors.mediation_case_list, selectors.mediation_case_get)
    services = (
        services.mediation_case_create,
        services.mediation_case_update,
        services.mediation_case_delete,
    )
    ordering_fields = MEDIATION_CASE_SORTABLE
    ordering = MEDIATION_CASE_ORDERING


class OutreachSessionViewSet(WardRecordViewSet):
    """Outreach sessions (buổi tuyên truyền): date, topic, number of attendees (lượt người) and the
    partners that ran them (the Fatherland Front, women's and youth unions, veterans, police …).

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: a negative number of attendees, a group of another ward, a date in a closed period
    (400), writes by steering viewers and province reviewers (403).
    """

    model = OutreachSession
    serializer_class = OutreachSessionSerializer
    filterset_class = OutreachSessionFilterSet
    selectors = (selectors.outreach_session_list, selectors.outreach_session_get)
    services = (
        services.outreach_session_create,
        services.outreach_session_update,
        services.outreach_session_delete,
    )
    ordering_fields = OUTREACH_SESSION_SORTABLE
    ordering = OUTREACH_SESSION_ORDERING


class CommendationViewSet(WardRecordViewSet):
    """Commendations (khen thưởng: giấy khen, bằng khen) for the movement, awarded to a collective
    or an individual: level (ward, province, ministry, government), issuer, date and reason.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope, with the recipient's name
    null; administrators read and write all.

    Refused: a date in a closed period (400), writes by steering viewers and province reviewers
    (403).
    """

    model = Commendation
    serializer_class = CommendationSerializer
    filterset_class = CommendationFilterSet
    selectors = (selectors.commendation_list, selectors.commendation_get)
    services = (
        services.commendation_create,
        services.commendation_update,
        services.commendation_delete,
    )
    ordering_fields = COMMENDATION_SORTABLE
    ordering = COMMENDATION_ORDERING


class WeaponSurrenderViewSet(WardRecordViewSet):
    """Weapon surrenders (giao nộp vũ khí, vật liệu nổ, công cụ hỗ trợ, pháo): guns, ammunition,
    explosives, firecrackers, support tools and knives handed in to the ward, with the quantity
    (pieces, rounds or kg) and the date.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: a negative quantity, a date in a closed period (400), writes by steering viewers and
    province reviewers (403).
    """

    model = WeaponSurrender
    serializer_class = WeaponSurrenderSerializer
    filterset_class = WeaponSurrenderFilterSet
    selectors = (selectors.weapon_surrender_list, selectors.weapon_surrender_get)
    services = (
        services.weapon_surrender_create,
        services.weapon_surrender_update,
        services.weapon_surrender_delete,
    )
    ordering_fields = WEAPON_SURRENDER_SORTABLE
    ordering = WEAPON_SURRENDER_ORDERING


class ReintegrationCaseViewSet(WardRecordViewSet):
    """Reintegration cases (quản lý, giáo dục, cảm hóa người lầm lỗi): people the ward helps back
    into community life — released prisoners, community education measures, drug rehabilitation,
    at-risk youth, suspended sentences — with their sponsor, dates and status.

    Sensitive: for ward police officers of the ward and administrators only. Every other role gets
    403 on every operation, whatever the id, and every read (list, record, history) is logged.

    Refused: a group of another ward (400), dates in a closed period (400).
    """

    model = ReintegrationCase
    serializer_class = ReintegrationCaseSerializer
    filterset_class = ReintegrationCaseFilterSet
    selectors = (selectors.reintegration_case_list, selectors.reintegration_case_get)
    services = (
        services.reintegration_case_create,
        services.reintegration_case_update,
        services.reintegration_case_delete,
    )
    ordering_fields = REINTEGRATION_CASE_SORTABLE
    ordering = REINTEGRATION_CASE_ORDERING


class EidTallyViewSet(WardRecordViewSet):
    """e-ID tallies (căn cước gắn chip, định danh điện tử VNeID mức 1 / mức 2): the campaign
    counters a ward records on a date — chip cards, level-1 accounts, level-2 accounts collected
    and activated. Counts only: the population database holds the people.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: negative counts, a group of another ward, a date in a closed period (400), writes by
    steering viewers and province reviewers (403).
    """

    model = EidTally
    serializer_class = EidTallySerializer
    filterset_class = EidTallyFilterSet
    selectors = (selectors.eid_tally_list, selectors.eid_tally_get)
    services = (services.eid_tally_create, services.eid_tally_update, services.eid_tally_delete)
    ordering_fields = EID_TALLY_SORTABLE
    ordering = EID_TALLY_ORDERING


class SafetyRecognitionViewSet(WardRecordViewSet):
    """Safety recognitions (công nhận an toàn về ANTT, Circular 124/2021/TT-BCA): whether a
    residential group, the ward or an organisation was recognised safe for security and order in a
    year, with the decision number.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: a subject of another ward (400), writes by steering viewers and province reviewers
    (403).
    """

    model = SafetyRecognition
    serializer_class = SafetyRecognitionSerializer
    filterset_class = SafetyRecognitionFilterSet
    selectors = (selectors.safety_recognition_list, selectors.safety_recognition_get)
    services = (
        services.safety_recognition_create,
        services.safety_recognition_update,
        services.safety_recognition_delete,
    )
    ordering_fields = SAFETY_RECOGNITION_SORTABLE
    ordering = SAFETY_RECOGNITION_ORDERING


class AppraisalViewSet(WardRecordViewSet):
    """Movement appraisals (đánh giá, phân loại phong trào): the yearly score of a residential
    group, the ward, an organisation or a team, and its grade — excellent, good, average, weak
    (xuất sắc, khá, trung bình, yếu) — by the `appraisal-thresholds`.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: a subject of another ward (400), writes by steering viewers and province reviewers
    (403).
    """

    model = Appraisal
    serializer_class = AppraisalSerializer
    filterset_class = AppraisalFilterSet
    selectors = (selectors.appraisal_list, selectors.appraisal_get)
    services = (services.appraisal_create, services.appraisal_update, services.appraisal_delete)
    ordering_fields = APPRAISAL_SORTABLE
    ordering = APPRAISAL_ORDERING


class OrganisationCommitmentTallyViewSet(WardRecordViewSet):
    """Organisations' commitments (cam kết của cơ quan, doanh nghiệp, nhà trường): per
    organisation and year, the staff count and how many of them signed the commitment.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    and province reviewers read those of their scope; administrators read and write all.

    Refused: an organisation of another ward, a staff count under 1, more signatures than staff,
    a second tally for the same organisation and year (400); writes by steering viewers and
    province reviewers (403).
    """

    model = OrganisationCommitmentTally
    serializer_class = OrganisationCommitmentTallySerializer
    filterset_class = OrganisationCommitmentTallyFilterSet
    selectors = (
        selectors.organisation_commitment_tally_list,
        selectors.organisation_commitment_tally_get,
    )
    services = (
        services.organisation_commitment_tally_create,
        services.organisation_commitment_tally_update,
        services.organisation_commitment_tally_delete,
    )
    ordering_fields = ORGANISATION_COMMITMENT_TALLY_SORTABLE
    ordering = ORGANISATION_COMMITMENT_TALLY_ORDERING


class AppraisalThresholdViewSet(viewsets.ReadOnlyModelViewSet):
    """Appraisal thresholds: the lowest score of each grade (xuất sắc, khá, trung bình, yếu) by
    which appraisals are graded.

    Configuration without a ward: every signed-in user reads them. Administrators edit them in the
    admin site; every write through the API is refused (403).
    """

    model = AppraisalThreshold
    read_only_resource = True
    serializer_class = AppraisalThresholdSerializer
    filterset_class = AppraisalThresholdFilterSet
    ordering_fields = ("min_score", "grade")
    ordering = ("-min_score",)

    def get_queryset(self):
        return AppraisalThreshold.objects.all()


class OnePagingPagination(PageNumberPagination):
    """The shared pages, refusing a page number sent with a cursor (the cursor would win and
    the page number be ignored silently)."""

    def paginate_queryset(self, queryset, request, view=None, **kwargs):
        params = request.query_params
        if self.cursor_query_param in params and self.page_query_param in params:
            raise ValidationError({self.page_query_param: [PAGE_AND_CURSOR_MESSAGE]})
        return super().paginate_queryset(queryset, request, view, **kwargs)


class ConfigurationViewSet(viewsets.ReadOnlyModelViewSet):
    # Configuration without a ward, readable by every signed-in user; administrators edit it in
    # the admin site, with the legal source beside each value (docs/domain.md).

    read_only_resource = True
    pagination_class = OnePagingPagination

    def get_queryset(self):
        return self.model.objects.all()


class RecognitionCriterionViewSet(ConfigurationViewSet):
    """The criteria of the safe-area standard per kind of subject (Thông tư 124/2021/TT-BCA).

    Every signed-in role reads it; administrators change it in the admin site, with its legal
    source. Refused: any write through the API (405), a request without signing in (401)."""

    model = RecognitionCriterion
    serializer_class = RecognitionCriterionSerializer
    filterset_class = RecognitionCriterionFilterSet
    ordering_fields = ("subject", "number")
    ordering = ("subject", "number")


class GradingCriterionViewSet(ConfigurationViewSet):
    """The grading sheet: criteria and maximum points (Quyết định 510/QĐ-BCA-V05).

    Every signed-in role reads it; administrators change it in the admin site, with its legal
    source. Refused: any write through the API (405), a request without signing in (401)."""

    model = GradingCriterion
    serializer_class = GradingCriterionSerializer
    filterset_class = GradingCriterionFilterSet
    ordering_fields = ("subject", "position", "code")
    ordering = ("subject", "position", "code")


class GradingDeadlineViewSet(ConfigurationViewSet):
    """The day of the year by which each kind of subject is graded (Quyết định 510/QĐ-BCA-V05).

    Every signed-in role reads it; administrators change it in the admin site, with its legal
    source. Refused: any write through the API (405), a request without signing in (401)."""

    model = GradingDeadline
    serializer_class = GradingDeadlineSerializer
    filterset_class = GradingDeadlineFilterSet
    ordering_fields = ("month", "day")
    ordering = ("month", "day", "subject")


ROUTES = [
    ("self-management-models", SelfManagementModelViewSet),
    ("teams", TeamViewSet),
    ("team-members", TeamMemberViewSet),
    ("patrols", PatrolViewSet),
    ("team-appraisals", TeamAppraisalViewSet),
    ("commitments", CommitmentViewSet),
    ("mediation-cases", MediationCaseViewSet),
    ("outreach-sessions", OutreachSessionViewSet),
    ("commendations", CommendationViewSet),
    ("weapon-surrenders", WeaponSurrenderViewSet),
    ("reintegration-cases", ReintegrationCaseViewSet),
    ("eid-tallies", EidTallyViewSet),
    ("safety-recognitions", SafetyRecognitionViewSet),
    ("appraisals", AppraisalViewSet),
    ("appraisal-thresholds", AppraisalThresholdViewSet),
    ("organisation-commitment-tallies", OrganisationCommitmentTallyViewSet),
    ("recognition-criteria", RecognitionCriterionViewSet),
    ("grading-criteria", GradingCriterionViewSet),
    ("grading-deadlines", GradingDeadlineViewSet),
]
