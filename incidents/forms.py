"""The incident's form: the portal's record form, without the severity no case may be given."""

from incidents.fields import INCIDENT_FIELDS
from incidents.models import Incident
from wardsecurity.portal.forms import RecordForm


class IncidentForm(RecordForm):
    """“Not yet classified” is offered only to a case that still has it (entered before severity
    was recorded): an officer gives it a class, or leaves it while correcting something else."""

    class Meta:
        model = Incident
        fields = INCIDENT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("severity")
        if field is not None and self.instance.severity != Incident.Severity.UNCLASSIFIED:
            field.choices = [
                (value, label)
                for value, label in field.choices
                if value != Incident.Severity.UNCLASSIFIED
            ]
