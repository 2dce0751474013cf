"""The three background jobs share one shape: the same fields under the same names, one rule."""

import pytest

from certificates.models import CertificateExport, IssueRun
from core.models import BackgroundJob
from participants.models import StaffListImport

JOBS = [IssueRun, CertificateExport, StaffListImport]
SHARED_FIELDS = [
    "status",
    "total",
    "done",
    "heartbeat_at",
    "attempt",
    "created_by",
    "created_at",
    "finished_at",
]


@pytest.mark.parametrize("job", JOBS, ids=lambda job: job.__name__)
def test_every_job_is_a_background_job_with_the_shared_fields(job):
    assert issubclass(job, BackgroundJob)
    names = {field.name for field in job._meta.get_fields()}
    assert set(SHARED_FIELDS) <= names
    assert job._meta.get_field("attempt").default == 1


@pytest.mark.parametrize("job", JOBS, ids=lambda job: job.__name__)
def test_every_job_refuses_more_done_than_total_and_an_attempt_below_one(job):
    names = {constraint.name for constraint in job._meta.constraints}
    model = job._meta.model_name
    assert {f"{model}_done_within_total", f"{model}_attempt_positive"} <= names
