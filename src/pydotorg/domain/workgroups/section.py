"""Work groups: an admin with their members and organizers, and the importer's mappings."""

from pydotorg.db.base import Base
from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import User, WorkGroup
from pydotorg.domain.admin.registry import ManyToMany, ModelAdmin, register
from pydotorg.web.section import Section

_TEXTS = ("purpose", "active_time", "core_values", "rules", "communication", "support")

register(
    ModelAdmin(
        model=WorkGroup,
        app_label="work_groups",
        model_name="workgroup",
        verbose_name="work group",
        verbose_name_plural="work groups",
        list_display=["name", "active", "approved"],
        search_fields=["name", "short_description"],
        list_filter=["active", "approved"],
        ordering="name",
        fields=[
            "name",
            "slug",
            "active",
            "approved",
            "short_description",
            *(f for name in _TEXTS for f in (name, f"{name}_markup_type")),
            "url",
            "organizers",
            "members",
        ],
        many_to_many={"organizers": ManyToMany("organizers", User), "members": ManyToMany("members", User)},
        help_texts={"slug": "Left blank, it is made from the name."},
    )
)

SECTION = Section(
    name="workgroups",
    django_tables=(
        DjangoTable("work_groups_workgroup", table_of(WorkGroup), changed_column="updated"),
        DjangoTable("work_groups_workgroup_members", Base.metadata.tables["work_groups_workgroup_members"]),
        DjangoTable("work_groups_workgroup_organizers", Base.metadata.tables["work_groups_workgroup_organizers"]),
    ),
)
