"""List the achievements whose agricultural classification of before did not
map to a term of the vocabularies (kept in ``agri_unmapped`` by the migration
that introduced them), so that someone picks terms for them."""

from django.core.management.base import BaseCommand

from achievements.models import Achievement


class Command(BaseCommand):
    help = "List achievements with agricultural text that matched no term."

    def handle(self, *args, **options):
        rows = Achievement.objects.exclude(agri_unmapped={}).order_by("pk")
        count = 0
        for achievement in rows.iterator():
            count += 1
            for key, text in sorted(achievement.agri_unmapped.items()):
                label = Achievement._meta.get_field(key).verbose_name
                self.stdout.write(
                    f"#{achievement.pk}\t{achievement.title}\t{label}\t{text}"
                )
        self.stdout.write(f"{count} achievement(s) with unmapped agricultural text.")
