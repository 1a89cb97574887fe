"""The attachments section (being built; see applications/views/base.py SectionView)."""

from .base import SectionView


class AttachmentsSectionView(SectionView):
    section = "attachments"
    template_name = "applications/sections/attachments.html"

    def get_forms(self, data=None) -> dict:
        return {}

    def write(self, application, forms) -> list[str]:
        return []


urlpatterns: list = []
