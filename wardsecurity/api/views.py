"""API endpoints that belong to no app: tokens, the caller, closed periods, the territory."""

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from households.models import Ward
from wardsecurity.api.authentication import token_issue, token_revoke
from wardsecurity.api.exceptions import error_response
from wardsecurity.api.schema import error_responses
from wardsecurity.api.serializers import ScopedRelatedField, StrictSerializer
from wardsecurity.backends import LOCKED_OUT
from wardsecurity.models import ClosedPeriod, User
from wardsecurity.periods import period_close, period_reopen

BAD_CREDENTIALS = _("Wrong username or password.")


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    client = serializers.CharField(max_length=100, required=False, allow_blank=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class TokenView(APIView):
    """Exchange a username and password for a per-client token (locked out like the browser)."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        summary="Get an API token",
        description=(
            "Exchanges a username and password for a token for one client (`client`, "
            "optional), answered once: 201 `{token, expires}`. Send it as `Authorization: "
            "Bearer <token>`; it expires after API_TOKEN_TTL_DAYS (30 days by default) and "
            "`auth/logout/` revokes it. Open to everyone, without signing in. Refused: a "
            "wrong username or password, or a deactivated user (400, one message for all); "
            "five failures lock that username from that address for 15 minutes, in the "
            "browser too (403)."
        ),
        request=TokenRequestSerializer,
        responses={
            201: TokenSerializer,
            **error_responses(
                400,
                403,
                429,
                e400="Wrong username or password (code `bad_credentials`), or invalid input.",
                e403="Locked out after repeated failures (code `locked_out`).",
            ),
        },
        auth=[],
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = authenticate(
                request._request,
                username=data.validated_data["username"],
                password=data.validated_data["password"],
            )
        except AxesBackendPermissionDenied:
            user = None
            locked = True
        else:
            locked = getattr(request._request, "axes_locked_out", False)
        if locked:
            return error_response("locked_out", LOCKED_OUT, status.HTTP_403_FORBIDDEN)
        if user is None or not user.is_active:
            return error_response("bad_credentials", BAD_CREDENTIALS, status.HTTP_400_BAD_REQUEST)
        # As a browser sign-in does: resets the lockout counter (axes) and stamps last_login.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        raw, token = token_issue(user=user, name=data.validated_data.get("client", ""))
        return Response(
            TokenSerializer({"token": raw, "expires": token.expires_at}).data,
            status=status.HTTP_201_CREATED,
        )


class LogoutView(APIView):
    """Revoke the token this request was made with (a browser session is ended instead)."""

    permission_classes = (IsAuthenticated,)  # every role may sign out, viewers included

    @extend_schema(
        summary="Sign out",
        description=(
            "Revokes the token this request was made with, or ends the browser session. Every"
            " signed-in role may call it (204); without a valid token or session, 401."
        ),
        request=None,
        responses={204: None},
    )
    def post(self, request):
        token = getattr(request, "api_token", None)
        if token is not None:
            token_revoke(token=token)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    scope_ward_code = serializers.CharField(source="scope_ward.code", default=None, allow_null=True)
    scope_province_code = serializers.CharField(
        source="scope_province.code", default=None, allow_null=True
    )

    class Meta:
        model = User
        fields = (
            "id",
            "username",
            "full_name",
            "role",
            "scope_kind",
            "scope_province",
            "scope_province_code",
            "scope_cluster",
            "scope_ward",
            "scope_ward_code",
        )
        read_only_fields = fields


class MeView(APIView):
    """The caller: role and scope."""

    @extend_schema(
        summary="Read the caller",
        description=(
            "The signed-in user of the request, with their role (`ward_police`, `ward_staff`,"
            " `steering_viewer`, `province_reviewer`, `admin`) and their scope (all, a "
            "province, a ward cluster or a ward): what every other answer is filtered by. "
            "Every signed-in role."
        ),
        responses=MeSerializer,
    )
    def get(self, request):
        user = User.objects.select_related("scope_ward", "scope_province").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)


class ClosedPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClosedPeriod
        fields = (
            "id",
            "ward",
            "start",
            "end",
            "closed_by",
            "created_at",
            "reopened_at",
            "reopened_by",
            "reopen_reason",
            "version",
        )
        read_only_fields = fields


class PeriodCloseSerializer(StrictSerializer):
    ward = ScopedRelatedField(queryset=Ward.objects)
    start = serializers.DateField()
    end = serializers.DateField()


class PeriodReopenSerializer(StrictSerializer):
    period = ScopedRelatedField(queryset=ClosedPeriod.objects)
    reason = serializers.CharField(max_length=2000)


class PoliceOnlyMixin:
    def check_permissions(self, request):
        super().check_permissions(request)
        user = request.user
        if not (user.is_admin_role or user.role == User.Role.WARD_POLICE):
            self.permission_denied(
                request,
                message=_(
                    "Only ward police officers and administrators may close or reopen periods."
                ),
            )


class PeriodListView(APIView):
    """The closed (and reopened) periods of the wards in scope."""

    @extend_schema(
        summary="List closed periods",
        description=(
            "The closed periods (and those reopened since, with who reopened them and why) of"
            " the wards in the caller's scope, newest first, at most 500. Every signed-in "
            "role. Records dated inside a closed period are read-only until it is reopened."
        ),
        responses=ClosedPeriodSerializer(many=True),
    )
    def get(self, request):
        periods = ClosedPeriod.objects.visible_to(request.user).order_by("-start")[:500]
        return Response(ClosedPeriodSerializer(periods, many=True).data)


class PeriodCloseView(PoliceOnlyMixin, APIView):
    """Close a period of a ward: its records become read-only (ward police, own ward)."""

    @extend_schema(
        summary="Close a period",
        description=(
            "Closes a date range of a ward: every record dated inside it becomes read-only "
            "for everyone (400, code `period_closed`) until it is reopened. Ward police "
            "officers of that ward and administrators only (403 for other roles); a ward "
            "outside the caller's scope answers 400 like a missing one; an end before the "
            "start, or a range overlapping a closed period of the ward, is refused (400)."
        ),
        request=PeriodCloseSerializer,
        responses={201: ClosedPeriodSerializer},
    )
    def post(self, request):
        data = PeriodCloseSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        period = period_close(actor=request.user, **data.validated_data)
        return Response(ClosedPeriodSerializer(period).data, status=status.HTTP_201_CREATED)


class PeriodReopenView(PoliceOnlyMixin, APIView):
    """Reopen a closed period, with the reason (recorded in its history)."""

    @extend_schema(
        summary="Reopen a period",
        description=(
            "Reopens a closed period with a `reason`, kept in the period's history: its "
            "records can be changed again. Ward police officers of the ward and "
            "administrators only (403 for other roles); a period outside the caller's scope "
            "answers 400 like a missing one; a period already reopened or an empty reason is "
            "refused (400)."
        ),
        request=PeriodReopenSerializer,
        responses={200: ClosedPeriodSerializer},
    )
    def post(self, request):
        data = PeriodReopenSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        period = period_reopen(actor=request.user, **data.validated_data)
        return Response(ClosedPeriodSerializer(period).data)
