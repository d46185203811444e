from django.utils.translation import gettext as _

from achievements.importing import import_achievements, write_template
from achievements.management.importing import ImportCommand


class Command(ImportCommand):
    help = "Import achievements from a CSV or XLSX file (汇交), or write the template."

    def write_template(self, stream, *, fmt):
        write_template(stream, fmt=fmt)

    def run_import(self, stream, *, name, options):
        def progress(rows: int) -> None:
            self.stderr.write(_("已处理 %(rows)d 行…") % {"rows": rows})

        return import_achievements(
            file=stream, name=name, dry_run=options["dry_run"], progress=progress
        )
