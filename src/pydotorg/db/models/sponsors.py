"""PSF sponsorships (Django's ``sponsors``), the data layer: the yearly catalogue (programs, packages, benefits,
legal clauses, the current year and each benefit's feature configurations), sponsors and their contacts,
sponsorships with their benefits and features, the assets sponsors provide, contracts, and the staff-edited
notification templates.

Django used django-polymorphic multi-table inheritance for benefit feature configurations, benefit features and
generic assets. Here they are SQLAlchemy *joined-table* inheritance over the very same tables: the parent table
keeps every row's id and a ``kind`` discriminator, each kind's table its own columns keyed by the parent's id
(Django's ``*_ptr_id`` column, named ``id`` here). Django's rows import and export one to one, ids unchanged, and
all the features of a sponsorship load in one query (the parent LEFT JOINed to every kind's table). Single-table
inheritance would have merged eleven tables into one wide table that no longer matches Django's, which the rollback
export writes back to.
"""

from __future__ import annotations

import datetime
import uuid
from typing import ClassVar

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import (
    Base,
    ContentManageable,
    MarkupSpec,
    association_table,
    markup_rendered_column,
    markup_type_column,
    utcnow,
)

# -- the catalogue ---------------------------------------------------------------------------------------------------


class SponsorshipProgram(Base):
    __tablename__ = "sponsors_sponsorshipprogram"

    order: Mapped[int] = mapped_column(Integer, default=0, index=True)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)

    def __str__(self) -> str:
        return self.name


class SponsorshipPackage(Base):
    __tablename__ = "sponsors_sponsorshippackage"

    order: Mapped[int] = mapped_column(Integer, default=0, index=True)
    name: Mapped[str] = mapped_column(String(64))
    sponsorship_amount: Mapped[int] = mapped_column(Integer)
    #: Offered on the application form.
    advertise: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The width of this package's logos on the sponsors page.
    logo_dimension: Mapped[int] = mapped_column(Integer, default=175)
    #: Not unique: the package's identity across years.
    slug: Mapped[str] = mapped_column(String(50), index=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    allow_a_la_carte: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class LegalClause(Base):
    __tablename__ = "sponsors_legalclause"

    order: Mapped[int] = mapped_column(Integer, default=0, index=True)
    internal_name: Mapped[str] = mapped_column(String(1024))
    clause: Mapped[str] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return self.internal_name


benefit_packages = association_table(
    "sponsors_sponsorshipbenefit_packages",
    ("sponsorshipbenefit_id", "sponsors_sponsorshipbenefit"),
    ("sponsorshippackage_id", "sponsors_sponsorshippackage"),
)
benefit_legal_clauses = association_table(
    "sponsors_sponsorshipbenefit_legal_clauses",
    ("sponsorshipbenefit_id", "sponsors_sponsorshipbenefit"),
    ("legalclause_id", "sponsors_legalclause"),
)
#: Symmetric, as Django stores it: both directions of a conflict are rows.
benefit_conflicts = association_table(
    "sponsors_sponsorshipbenefit_conflicts",
    ("from_sponsorshipbenefit_id", "sponsors_sponsorshipbenefit"),
    ("to_sponsorshipbenefit_id", "sponsors_sponsorshipbenefit"),
)


class SponsorshipBenefit(Base):
    __tablename__ = "sponsors_sponsorshipbenefit"

    order: Mapped[int] = mapped_column(Integer, default=0, index=True)
    name: Mapped[str] = mapped_column(String(1024))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("sponsors_sponsorshipprogram.id", ondelete="CASCADE"), index=True
    )
    #: Only as part of a package (never à la carte).
    package_only: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The "New This Year" badge.
    new: Mapped[bool] = mapped_column(Boolean, default=False)
    unavailable: Mapped[bool] = mapped_column(Boolean, default=False)
    standalone: Mapped[bool] = mapped_column(Boolean, default=False)
    internal_description: Mapped[str | None] = mapped_column(Text, nullable=True)
    internal_value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    soft_capacity: Mapped[bool] = mapped_column(Boolean, default=False)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)

    program: Mapped[SponsorshipProgram] = relationship(lazy="raise")
    packages: Mapped[list[SponsorshipPackage]] = relationship(secondary=benefit_packages, lazy="raise")
    legal_clauses: Mapped[list[LegalClause]] = relationship(secondary=benefit_legal_clauses, lazy="raise")
    conflicts: Mapped[list[SponsorshipBenefit]] = relationship(
        secondary=benefit_conflicts,
        primaryjoin=lambda: SponsorshipBenefit.id == benefit_conflicts.c.from_sponsorshipbenefit_id,
        secondaryjoin=lambda: SponsorshipBenefit.id == benefit_conflicts.c.to_sponsorshipbenefit_id,
        lazy="raise",
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class SponsorshipCurrentYear(Base):
    """A single row: the year whose catalogue the application form offers."""

    __tablename__ = "sponsors_sponsorshipcurrentyear"

    year: Mapped[int] = mapped_column(Integer)

    def __str__(self) -> str:
        return f"Active year: {self.year}"


# -- sponsors and their sponsorships ---------------------------------------------------------------------------------


class Sponsor(ContentManageable, Base):
    __tablename__ = "sponsors_sponsor"

    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    landing_page_url: Mapped[str | None] = mapped_column(String(200), nullable=True)
    twitter_handle: Mapped[str | None] = mapped_column(String(32), nullable=True)
    linked_in_page_url: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: Paths under the media root (``sponsor_web_logos/...``); the web logo is required.
    web_logo: Mapped[str] = mapped_column(String(100))
    white_logo: Mapped[str | None] = mapped_column(String(100), nullable=True)
    print_logo: Mapped[str | None] = mapped_column(String(100), nullable=True)
    primary_phone: Mapped[str] = mapped_column(String(32), default="")
    mailing_address_line_1: Mapped[str] = mapped_column(String(128), default="")
    mailing_address_line_2: Mapped[str] = mapped_column(String(128), default="")
    city: Mapped[str] = mapped_column(String(64), default="")
    state: Mapped[str] = mapped_column(String(64), default="")
    postal_code: Mapped[str] = mapped_column(String(64), default="")
    #: ISO 3166 alpha-2.
    country: Mapped[str] = mapped_column(String(2), default="")
    country_of_incorporation: Mapped[str | None] = mapped_column(String(2), nullable=True)
    state_of_incorporation: Mapped[str | None] = mapped_column(String(64), nullable=True)

    def __str__(self) -> str:
        return self.name


class SponsorContact(Base):
    __tablename__ = "sponsors_sponsorcontact"

    sponsor_id: Mapped[int] = mapped_column(ForeignKey("sponsors_sponsor.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    primary: Mapped[bool] = mapped_column(Boolean, default=False)
    administrative: Mapped[bool] = mapped_column(Boolean, default=False)
    accounting: Mapped[bool] = mapped_column(Boolean, default=False)
    manager: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(256))
    phone: Mapped[str] = mapped_column(String(32), default="")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class SponsorshipStatus:
    APPLIED = "applied"
    REJECTED = "rejected"
    APPROVED = "approved"
    FINALIZED = "finalized"
    CHOICES: ClassVar[dict[str, str]] = {
        "applied": "Applied",
        "rejected": "Rejected",
        "approved": "Approved",
        "finalized": "Finalized",
    }


class Sponsorship(Base):
    __tablename__ = "sponsors_sponsorship"

    #: Django's column name, misspelling included.
    submited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    sponsor_id: Mapped[int | None] = mapped_column(
        ForeignKey("sponsors_sponsor.id", ondelete="SET NULL"), nullable=True, index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=SponsorshipStatus.APPLIED, index=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    applied_on: Mapped[datetime.date] = mapped_column(Date, default=lambda: utcnow().date())
    approved_on: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    rejected_on: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    finalized_on: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    for_modified_package: Mapped[bool] = mapped_column(Boolean, default=False)
    level_name_old: Mapped[str] = mapped_column(String(64), default="")
    package_id: Mapped[int | None] = mapped_column(
        ForeignKey("sponsors_sponsorshippackage.id", ondelete="SET NULL"), nullable=True, index=True
    )
    sponsorship_fee: Mapped[int | None] = mapped_column(Integer, nullable=True)
    overlapped_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("sponsors_sponsorship.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: Whether this renews an earlier sponsorship (unknown for old rows).
    renewal: Mapped[bool | None] = mapped_column(Boolean, nullable=True)

    sponsor: Mapped[Sponsor | None] = relationship(lazy="raise")
    package: Mapped[SponsorshipPackage | None] = relationship(lazy="raise")

    def __str__(self) -> str:
        return f"Sponsorship #{self.id} ({self.status})"


class SponsorBenefit(Base):
    """A catalogue benefit as it was copied into one sponsorship (the catalogue may change later)."""

    __tablename__ = "sponsors_sponsorbenefit"

    order: Mapped[int] = mapped_column(Integer, default=0, index=True)
    sponsorship_id: Mapped[int] = mapped_column(ForeignKey("sponsors_sponsorship.id", ondelete="CASCADE"), index=True)
    sponsorship_benefit_id: Mapped[int | None] = mapped_column(
        ForeignKey("sponsors_sponsorshipbenefit.id", ondelete="SET NULL"), nullable=True, index=True
    )
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("sponsors_sponsorshipprogram.id", ondelete="SET NULL"), nullable=True, index=True
    )
    program_name: Mapped[str] = mapped_column(String(1024))
    name: Mapped[str] = mapped_column(String(1024))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    benefit_internal_value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    added_by_user: Mapped[bool] = mapped_column(Boolean, default=False)
    standalone: Mapped[bool] = mapped_column(Boolean, default=False)

    def __str__(self) -> str:
        return f"{self.program_name} > {self.name}"


# -- feature configurations (per catalogue benefit) and features (per sponsor benefit) -------------------------------
class BenefitFeatureConfiguration(Base):
    __tablename__ = "sponsors_benefitfeatureconfiguration"

    benefit_id: Mapped[int] = mapped_column(
        ForeignKey("sponsors_sponsorshipbenefit.id", ondelete="CASCADE"), index=True
    )
    #: Which kind's table holds the rest of the row (Django's polymorphic_ctype, by model name).
    kind: Mapped[str] = mapped_column(String(64))

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "base"}


class BenefitFeature(Base):
    __tablename__ = "sponsors_benefitfeature"

    sponsor_benefit_id: Mapped[int] = mapped_column(
        ForeignKey("sponsors_sponsorbenefit.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(64))

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "base"}


# A kind's table is keyed by its parent row's id (Django names that column ``<parent>_ptr_id``; it is ``id`` here, so
# every table of the project has an ``id``, and the importer renames it).
def _config_ptr() -> Mapped[int]:
    return mapped_column(ForeignKey("sponsors_benefitfeatureconfiguration.id", ondelete="CASCADE"), primary_key=True)


def _feature_ptr() -> Mapped[int]:
    return mapped_column(ForeignKey("sponsors_benefitfeature.id", ondelete="CASCADE"), primary_key=True)


class LogoPlacementFields:
    publisher: Mapped[str] = mapped_column(String(30))
    logo_place: Mapped[str] = mapped_column(String(30))
    link_to_sponsors_page: Mapped[bool] = mapped_column(Boolean, default=False)
    describe_as_sponsor: Mapped[bool] = mapped_column(Boolean, default=False)


class TieredFields:
    quantity: Mapped[int] = mapped_column(Integer)
    display_label: Mapped[str] = mapped_column(String(32), default="")
    package_id: Mapped[int] = mapped_column(
        ForeignKey("sponsors_sponsorshippackage.id", ondelete="CASCADE"), index=True
    )


class AssetFields:
    #: ``sponsor`` or ``sponsorship``: which of the two the asset belongs to.
    related_to: Mapped[str] = mapped_column(String(30))
    internal_name: Mapped[str] = mapped_column(String(128), index=True)
    label: Mapped[str] = mapped_column(String(256))
    help_text: Mapped[str] = mapped_column(String(256), default="")


class RequiredFields(AssetFields):
    due_date: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)


class ImgFields(RequiredFields):
    min_width: Mapped[int] = mapped_column(Integer)
    max_width: Mapped[int] = mapped_column(Integer)
    min_height: Mapped[int] = mapped_column(Integer)
    max_height: Mapped[int] = mapped_column(Integer)


class TextFields(RequiredFields):
    max_length: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ProvidedTextFields(AssetFields):
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    shared_text: Mapped[str | None] = mapped_column(Text, nullable=True)


class ProvidedFileFields(AssetFields):
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A path under the media root.
    shared_file: Mapped[str | None] = mapped_column(String(100), nullable=True)


class LogoPlacementConfiguration(LogoPlacementFields, BenefitFeatureConfiguration):
    __tablename__ = "sponsors_logoplacementconfiguration"
    id: Mapped[int] = _config_ptr()
    __mapper_args__ = {"polymorphic_identity": "logoplacementconfiguration"}


class TieredBenefitConfiguration(TieredFields, BenefitFeatureConfiguration):
    __tablename__ = "sponsors_tieredbenefitconfiguration"
    id: Mapped[int] = _config_ptr()
    __mapper_args__ = {"polymorphic_identity": "tieredbenefitconfiguration"}


class EmailTargetableConfiguration(BenefitFeatureConfiguration):
    __tablename__ = "sponsors_emailtargetableconfiguration"
    id: Mapped[int] = _config_ptr()
    __mapper_args__ = {"polymorphic_identity": "emailtargetableconfiguration"}


class RequiredImgAssetConfiguration(ImgFields, BenefitFeatureConfiguration):
    __tablename__ = "sponsors_requiredimgassetconfiguration"
    id: Mapped[int] = _config_ptr()
    __mapper_args__ = {"polymorphic_identity": "requiredimgassetconfiguration"}


class RequiredTextAssetConfiguration(TextFields, BenefitFeatureConfiguration):
    __tablename__ = "sponsors_requiredtextassetconfiguration"
    id: Mapped[int] = _config_ptr()
    __mapper_args__ = {"polymorphic_identity": "requiredtextassetconfiguration"}


class RequiredResponseAssetConfiguration(RequiredFields, BenefitFeatureConfiguration):
    __tablename__ = "sponsors_requiredresponseassetconfiguration"
    id: Mapped[int] = _config_ptr()
    __mapper_args__ = {"polymorphic_identity": "requiredresponseassetconfiguration"}


class ProvidedTextAssetConfiguration(ProvidedTextFields, BenefitFeatureConfiguration):
    __tablename__ = "sponsors_providedtextassetconfiguration"
    id: Mapped[int] = _config_ptr()
    __mapper_args__ = {"polymorphic_identity": "providedtextassetconfiguration"}


class ProvidedFileAssetConfiguration(ProvidedFileFields, BenefitFeatureConfiguration):
    __tablename__ = "sponsors_providedfileassetconfiguration"
    id: Mapped[int] = _config_ptr()
    __mapper_args__ = {"polymorphic_identity": "providedfileassetconfiguration"}


class LogoPlacement(LogoPlacementFields, BenefitFeature):
    __tablename__ = "sponsors_logoplacement"
    id: Mapped[int] = _feature_ptr()
    __mapper_args__ = {"polymorphic_identity": "logoplacement"}


class TieredBenefit(TieredFields, BenefitFeature):
    __tablename__ = "sponsors_tieredbenefit"
    id: Mapped[int] = _feature_ptr()
    __mapper_args__ = {"polymorphic_identity": "tieredbenefit"}


class EmailTargetable(BenefitFeature):
    __tablename__ = "sponsors_emailtargetable"
    id: Mapped[int] = _feature_ptr()
    __mapper_args__ = {"polymorphic_identity": "emailtargetable"}


class RequiredImgAsset(ImgFields, BenefitFeature):
    __tablename__ = "sponsors_requiredimgasset"
    id: Mapped[int] = _feature_ptr()
    __mapper_args__ = {"polymorphic_identity": "requiredimgasset"}


class RequiredTextAsset(TextFields, BenefitFeature):
    __tablename__ = "sponsors_requiredtextasset"
    id: Mapped[int] = _feature_ptr()
    __mapper_args__ = {"polymorphic_identity": "requiredtextasset"}


class RequiredResponseAsset(RequiredFields, BenefitFeature):
    __tablename__ = "sponsors_requiredresponseasset"
    id: Mapped[int] = _feature_ptr()
    __mapper_args__ = {"polymorphic_identity": "requiredresponseasset"}


class ProvidedTextAsset(ProvidedTextFields, BenefitFeature):
    __tablename__ = "sponsors_providedtextasset"
    id: Mapped[int] = _feature_ptr()
    __mapper_args__ = {"polymorphic_identity": "providedtextasset"}


class ProvidedFileAsset(ProvidedFileFields, BenefitFeature):
    __tablename__ = "sponsors_providedfileasset"
    id: Mapped[int] = _feature_ptr()
    __mapper_args__ = {"polymorphic_identity": "providedfileasset"}


# -- what sponsors provide -------------------------------------------------------------------------------------------
class GenericAsset(Base):
    """A value a sponsor provides (an image, a text, a file, a yes/no answer), attached to a sponsor or a
    sponsorship (``content_type`` is ``sponsor`` or ``sponsorship``; Django's generic relation) by internal name."""

    __tablename__ = "sponsors_genericasset"

    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, default=uuid.uuid4)
    internal_name: Mapped[str] = mapped_column(String(128), index=True)
    content_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(64))

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "base"}


def _asset_ptr() -> Mapped[int]:
    return mapped_column(ForeignKey("sponsors_genericasset.id", ondelete="CASCADE"), primary_key=True)


class ImgAsset(GenericAsset):
    __tablename__ = "sponsors_imgasset"
    id: Mapped[int] = _asset_ptr()
    image: Mapped[str | None] = mapped_column(String(100), nullable=True)
    __mapper_args__ = {"polymorphic_identity": "imgasset"}


class TextAsset(GenericAsset):
    __tablename__ = "sponsors_textasset"
    id: Mapped[int] = _asset_ptr()
    text: Mapped[str] = mapped_column(Text, default="")
    __mapper_args__ = {"polymorphic_identity": "textasset"}


class FileAsset(GenericAsset):
    __tablename__ = "sponsors_fileasset"
    id: Mapped[int] = _asset_ptr()
    file: Mapped[str | None] = mapped_column(String(100), nullable=True)
    __mapper_args__ = {"polymorphic_identity": "fileasset"}


class ResponseAsset(GenericAsset):
    __tablename__ = "sponsors_responseasset"
    id: Mapped[int] = _asset_ptr()
    response: Mapped[str | None] = mapped_column(String(32), nullable=True)
    __mapper_args__ = {"polymorphic_identity": "responseasset"}


# -- contracts and notification templates (used by part 2 and the notifications) ------------------------------------
class Contract(Base):
    __tablename__ = "sponsors_contract"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"benefits_list": MarkupSpec(), "legal_clauses": MarkupSpec()}

    sponsorship_id: Mapped[int | None] = mapped_column(
        ForeignKey("sponsors_sponsorship.id", ondelete="CASCADE"), nullable=True, unique=True
    )
    status: Mapped[str] = mapped_column(String(20), default="draft")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    document: Mapped[str] = mapped_column(String(100), default="")
    document_docx: Mapped[str] = mapped_column(String(100), default="")
    signed_document: Mapped[str] = mapped_column(String(100), default="")
    sponsor_info: Mapped[str] = mapped_column(Text, default="")
    sponsor_contact: Mapped[str] = mapped_column(Text, default="")
    benefits_list: Mapped[str] = mapped_column(Text, default="")
    benefits_list_markup_type: Mapped[str] = markup_type_column("markdown")
    benefits_list_rendered: Mapped[str] = markup_rendered_column("benefits_list")
    legal_clauses: Mapped[str] = mapped_column(Text, default="")
    legal_clauses_markup_type: Mapped[str] = markup_type_column("markdown")
    legal_clauses_rendered: Mapped[str] = markup_rendered_column("legal_clauses")
    created_on: Mapped[datetime.date] = mapped_column(Date, default=lambda: utcnow().date())
    last_update: Mapped[datetime.date] = mapped_column(Date, default=lambda: utcnow().date())
    sent_on: Mapped[datetime.date | None] = mapped_column(Date, nullable=True)
    #: The documents are rendered by a background job: '' (never), queued, rendering, done or failed; and the
    #: reason of a failure, shown in the admin (not Django columns: the rollback export leaves them out).
    render_state: Mapped[str] = mapped_column(String(20), default="", server_default="")
    render_error: Mapped[str] = mapped_column(Text, default="", server_default="")

    def __str__(self) -> str:
        return f"Contract #{self.id} ({self.status})"


class SponsorEmailNotificationTemplate(Base):
    __tablename__ = "sponsors_sponsoremailnotificationtemplate"

    internal_name: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(String(128))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    updated_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, onupdate=utcnow)

    def __str__(self) -> str:
        return self.internal_name
