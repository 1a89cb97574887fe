"""The sections of an application, in the order of the step guide."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    url_name: str


SECTIONS: tuple[Section, ...] = (
    Section("requirements", _("Requirements"), "applications:section_requirements"),
    Section("area", _("Business area"), "applications:section_area"),
    Section("criteria", _("Criteria"), "applications:section_criteria"),
    Section("activities", _("Activities"), "applications:section_activities"),
    Section("partners", _("Partner circle"), "applications:section_partners"),
    Section("budget", _("Budget"), "applications:section_budget"),
    Section("attachments", _("Attachments"), "applications:section_attachments"),
)
SECTION_CODES = tuple(s.code for s in SECTIONS)
SECTIONS_BY_CODE = {s.code: s for s in SECTIONS}
