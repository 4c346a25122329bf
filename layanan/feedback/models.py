"""Feedback on the platform's pages, its tags, and the changes made in answer to it.

A :class:`PageFeedback` holds what a visitor said about one page and nothing about the visitor:
the page by its URL *name* (``catalogue:detail``, never the path, which can hold a tracking number
or an id), yes/no (or nothing, for a problem report reached from the footer link), the two free
texts with anything shaped like a NIK, a phone number or an email address blanked out, the
language of the page, and the hour it came in (rounded down, so a row cannot be matched to one
line of a web server's access log by its second). No account, no address, no browser, no session.

A :class:`Tag` is an administrator's label for reading the texts ("navigasi", "bahasa",
"formulir", "bug"...), an editable list. A :class:`PlatformChange` is one change made in answer to
feedback, listed publicly on "Yang kami ubah karena masukan Anda".
"""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

PAGE_NAME_MAX = 120
TRYING_MAX = 500
PROBLEM_MAX = 1000


class Tag(models.Model):
    slug = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=60)
    name_en = models.CharField(_("nama (bahasa Inggris)"), max_length=60, blank=True, default="")
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("dipakai"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("label masukan")
        verbose_name_plural = _("label masukan")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the language being shown (Indonesian when there is no English)."""
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class PageFeedback(models.Model):
    page = models.CharField(_("halaman"), max_length=PAGE_NAME_MAX, db_index=True)
    helpful = models.BooleanField(_("membantu"), null=True, blank=True)
    trying = models.TextField(_("apa yang ingin dilakukan"), max_length=TRYING_MAX, blank=True, default="")
    problem = models.TextField(_("apa yang tidak berjalan"), max_length=PROBLEM_MAX, blank=True, default="")
    language = models.CharField(_("bahasa"), max_length=8, blank=True, default="")
    created_at = models.DateTimeField(_("masuk (jam)"), db_index=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="feedback", verbose_name=_("label"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("masukan halaman")
        verbose_name_plural = _("masukan halaman")
        indexes = [models.Index(fields=["page", "created_at"], name="feedback_page_time")]

    def __str__(self) -> str:
        return f"{self.page} {self.created_at:%Y-%m-%d %H:00}"

    @property
    def has_text(self) -> bool:
        return bool(self.trying or self.problem)


class PlatformChange(models.Model):
    date = models.DateField(_("tanggal"))
    title = models.CharField(_("judul"), max_length=160)
    title_en = models.CharField(_("judul (bahasa Inggris)"), max_length=160, blank=True, default="")
    description = models.TextField(_("uraian"), max_length=2000)
    description_en = models.TextField(_("uraian (bahasa Inggris)"), max_length=2000, blank=True, default="")
    pages = models.CharField(
        _("halaman terkait"),
        max_length=400,
        blank=True,
        default="",
        help_text=_("Nama halaman, dipisah koma, misalnya catalogue:detail, complaints:new."),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="changes", verbose_name=_("label"))
    submit_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("perubahan karena masukan")
        verbose_name_plural = _("perubahan karena masukan")

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        if translation.get_language() == "en" and self.title_en:
            return self.title_en
        return self.title

    @property
    def shown_description(self) -> str:
        if translation.get_language() == "en" and self.description_en:
            return self.description_en
        return self.description

    @property
    def page_names(self) -> list[str]:
        return [name.strip() for name in self.pages.split(",") if name.strip()]
