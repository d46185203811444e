from achievements.demand_import import import_demands, write_demand_template
from achievements.management.importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import technology demands and application scenarios from a CSV or XLSX "
        "file (需求清单), or write the template."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--draft", action="store_true", help="import as drafts, not published"
        )

    def write_template(self, stream, *, fmt):
        write_demand_template(stream, fmt=fmt)

    def run_import(self, stream, *, name, options):
        return import_demands(
            file=stream,
            name=name,
            dry_run=options["dry_run"],
            publish=not options["draft"],
        )
