from django.core.management.base import BaseCommand

from jobs.files import job_files_prune


class Command(BaseCommand):
    help = "Delete the files of jobs older than JOBS_FILE_RETENTION_HOURS."

    def handle(self, *args, **options):
        deleted = job_files_prune()
        self.stdout.write(f"{deleted} job file(s) deleted")
