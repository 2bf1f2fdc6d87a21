"""Writes for tips, incidents and hotspots; tips and incidents are police-only (sensitive)."""

from incidents.models import Hotspot, Incident, Tip
from wardsecurity.services import make_services

tip_create, tip_update, tip_delete = make_services(Tip, "tip")
incident_create, incident_update, incident_delete = make_services(Incident, "incident")
hotspot_create, hotspot_update, hotspot_delete = make_services(Hotspot, "hotspot")
