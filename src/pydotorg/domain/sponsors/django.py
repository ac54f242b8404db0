"""Django's ``sponsors`` tables, ids unchanged. The polymorphic parents (feature configurations, features, generic
assets) take their ``kind`` from Django's ``polymorphic_ctype``; each kind's table has Django's ``*_ptr_id`` as
its ``id``; a generic asset's owner type is the content type's model name (``sponsor`` or ``sponsorship``)."""

from __future__ import annotations

from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import (
    BenefitFeature,
    BenefitFeatureConfiguration,
    Contract,
    EmailTargetable,
    EmailTargetableConfiguration,
    FileAsset,
    GenericAsset,
    ImgAsset,
    LegalClause,
    LogoPlacement,
    LogoPlacementConfiguration,
    ProvidedFileAsset,
    ProvidedFileAssetConfiguration,
    ProvidedTextAsset,
    ProvidedTextAssetConfiguration,
    RequiredImgAsset,
    RequiredImgAssetConfiguration,
    RequiredResponseAsset,
    RequiredResponseAssetConfiguration,
    RequiredTextAsset,
    RequiredTextAssetConfiguration,
    ResponseAsset,
    Sponsor,
    SponsorBenefit,
    SponsorContact,
    SponsorEmailNotificationTemplate,
    Sponsorship,
    SponsorshipBenefit,
    SponsorshipCurrentYear,
    SponsorshipPackage,
    SponsorshipProgram,
    TextAsset,
    TieredBenefit,
    TieredBenefitConfiguration,
)
from pydotorg.db.models.sponsors import benefit_conflicts, benefit_legal_clauses, benefit_packages


def _kind_of(table: str, *columns: str) -> str:
    listed = ", ".join(f"p.{c}" for c in ("id", *columns))
    return (
        f"SELECT {listed}, COALESCE(ct.model, 'base') AS kind FROM {table} p "  # noqa: S608  (fixed identifiers)
        "LEFT JOIN django_content_type ct ON ct.id = p.polymorphic_ctype_id"
    )


def _child(model: type, ptr: str, media: tuple[str, ...] = ()) -> DjangoTable:
    table = table_of(model)
    return DjangoTable(table.name, table, rename={"id": ptr}, source_key=ptr, media=media)


CONFIG_PTR = "benefitfeatureconfiguration_ptr_id"
FEATURE_PTR = "benefitfeature_ptr_id"
ASSET_PTR = "genericasset_ptr_id"

DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable("sponsors_sponsorshipprogram", table_of(SponsorshipProgram)),
    DjangoTable("sponsors_sponsorshippackage", table_of(SponsorshipPackage)),
    DjangoTable("sponsors_legalclause", table_of(LegalClause)),
    DjangoTable("sponsors_sponsorshipbenefit", table_of(SponsorshipBenefit)),
    DjangoTable("sponsors_sponsorshipbenefit_packages", benefit_packages),
    DjangoTable("sponsors_sponsorshipbenefit_legal_clauses", benefit_legal_clauses),
    DjangoTable("sponsors_sponsorshipbenefit_conflicts", benefit_conflicts),
    DjangoTable("sponsors_sponsorshipcurrentyear", table_of(SponsorshipCurrentYear)),
    # the files rows name (logos, assets, contracts) are copied from --media-root, paths unchanged
    DjangoTable(
        "sponsors_sponsor", table_of(Sponsor), changed_column="updated", media=("web_logo", "white_logo", "print_logo")
    ),
    DjangoTable("sponsors_sponsorcontact", table_of(SponsorContact)),
    DjangoTable("sponsors_sponsorship", table_of(Sponsorship)),
    DjangoTable("sponsors_sponsorbenefit", table_of(SponsorBenefit)),
    DjangoTable(
        "sponsors_benefitfeatureconfiguration",
        table_of(BenefitFeatureConfiguration),
        select=_kind_of("sponsors_benefitfeatureconfiguration", "benefit_id"),
    ),
    _child(LogoPlacementConfiguration, CONFIG_PTR),
    _child(TieredBenefitConfiguration, CONFIG_PTR),
    _child(EmailTargetableConfiguration, CONFIG_PTR),
    _child(RequiredImgAssetConfiguration, CONFIG_PTR),
    _child(RequiredTextAssetConfiguration, CONFIG_PTR),
    _child(RequiredResponseAssetConfiguration, CONFIG_PTR),
    _child(ProvidedTextAssetConfiguration, CONFIG_PTR),
    _child(ProvidedFileAssetConfiguration, CONFIG_PTR, media=("shared_file",)),
    DjangoTable(
        "sponsors_benefitfeature",
        table_of(BenefitFeature),
        select=_kind_of("sponsors_benefitfeature", "sponsor_benefit_id"),
    ),
    _child(LogoPlacement, FEATURE_PTR),
    _child(TieredBenefit, FEATURE_PTR),
    _child(EmailTargetable, FEATURE_PTR),
    _child(RequiredImgAsset, FEATURE_PTR),
    _child(RequiredTextAsset, FEATURE_PTR),
    _child(RequiredResponseAsset, FEATURE_PTR),
    _child(ProvidedTextAsset, FEATURE_PTR),
    _child(ProvidedFileAsset, FEATURE_PTR, media=("shared_file",)),
    DjangoTable(
        "sponsors_genericasset",
        table_of(GenericAsset),
        select=(
            "SELECT a.id, a.uuid, a.internal_name, COALESCE(owner.model, '') AS content_type, a.object_id, "
            "COALESCE(ct.model, 'base') AS kind FROM sponsors_genericasset a "
            "LEFT JOIN django_content_type owner ON owner.id = a.content_type_id "
            "LEFT JOIN django_content_type ct ON ct.id = a.polymorphic_ctype_id"
        ),
    ),
    _child(ImgAsset, ASSET_PTR, media=("image",)),
    _child(TextAsset, ASSET_PTR),
    _child(FileAsset, ASSET_PTR, media=("file",)),
    _child(ResponseAsset, ASSET_PTR),
    DjangoTable("sponsors_contract", table_of(Contract), media=("document", "document_docx", "signed_document")),
    DjangoTable("sponsors_sponsoremailnotificationtemplate", table_of(SponsorEmailNotificationTemplate)),
)
