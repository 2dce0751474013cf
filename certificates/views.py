"""Organiser pages for a training's certificates, and the participant's own download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_service_errors
from trainings.models import Enrolment
from core.permissions import require_permissions

from certificates import exports, selectors, services, services_export
from certificates.eligibility import eligibility_for_training
from certificates.forms import CertificateSettingsForm, ReasonForm
from certificates.pdf import printed_by
from certificates.models import Certificate, CertificateExport, IssueRun, certificate_set_key

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _training_url(training) -> str:
    return reverse("certificates:training", args=[training.pk])


def _enrolment(training, pk) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.select_related("training__organiser_unit", "employee__unit").filter(
            training=training, status=Enrolment.Status.ENROLLED
        ),
        pk=pk,
    )


def _file_response(certificate: Certificate, *, inline: bool) -> FileResponse:
    certificate = services.certificate_with_pdf(certificate=certificate)
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=not inline,
        filename=exports.pdf_filename(certificate),
        content_type="application/pdf",
    )


def _error_message(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# The training's certificates ---------------------------------------------------------------------


@require_GET
@require_permissions("certificates.view_certificate")
def training_list(request):
    """List the trainings with their certificates issued so far."""
    trainings = list(selectors.trainings_with_certificate_counts(request.user)[:200])
    return render(request, "certificates/training_list.html", {"trainings": trainings})


@never_cache
@require_GET
@require_permissions("certificates.view_certificate")
def training_certificates(request, pk):
    """List who will and who won't receive a certificate and why, with the issued ones."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    rows = eligibility_for_training(training=training)
    by_enrolment: dict[int, list[Certificate]] = {}
    all_certificates = list(selectors.certificates_of_training(training=training))
    for certificate in all_certificates:
        by_enrolment.setdefault(certificate.enrolment_id, []).append(certificate)
    revoked = selectors.revoked_for_good(all_certificates)
    entries = []
    for row in rows:
        certificates = by_enrolment.get(row.enrolment.pk, [])
        valid = next((c for c in certificates if c.status == Certificate.Status.VALID), None)
        entries.append(
            {
                "row": row,
                "valid": valid,
                "revoked": revoked.get(row.enrolment.pk),
                "history": certificates,
            }
        )
    runs = selectors.runs_of_training(training=training)
    set_key = certificate_set_key(
        (c.pk, c.version) for c in all_certificates if c.status == Certificate.Status.VALID
    )
    latest = selectors.latest_exports(training=training)
    bulk_files = [
        {
            "kind": kind,
            "label": label,
            "export": latest.get(kind),
            "is_current": kind in latest and latest[kind].set_key == set_key,
        }
        for kind, label in CertificateExport.Kind.choices
    ]
    return render(
        request,
        "certificates/training.html",
        {
            "training": training,
            "entries": entries,
            "eligible_count": sum(1 for row in rows if row.eligible),
            "to_issue": sum(
                1 for e in entries if e["row"].eligible and not e["valid"] and not e["revoked"]
            ),
            "valid_count": sum(1 for e in entries if e["valid"]),
            "not_eligible_count": sum(1 for row in rows if not row.eligible),
            "active_run": next((run for run in runs if run.is_active), None),
            "runs": runs,
            "bulk_files": bulk_files,
            "settings": selectors.certificate_settings_for(training=training),
            "can_issue": request.user.has_perm("certificates.issue_certificate"),
            "can_revoke": request.user.has_perm("certificates.revoke_certificate"),
            "can_override": request.user.has_perm("certificates.add_eligibilityoverride"),
            "reason_form": ReasonForm(),
        },
    )


@require_POST
@require_permissions("certificates.issue_certificate")
def issue(request, pk):
    """Start issuing the eligible participants' certificates in the background."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    try:
        run = services.start_issue_run(training=training, by=request.user)
    except ValidationError as error:
        _error_message(request, error)
        return redirect("certificates:training", pk=training.pk)
    return redirect("certificates:run", pk=training.pk, run_pk=run.pk)


@require_POST
@require_permissions("certificates.issue_certificate")
def email(request, pk):
    """Start emailing the download link to every holder with an address not yet emailed."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    run = services.start_email_run(training=training, by=request.user)
    return redirect("certificates:run", pk=training.pk, run_pk=run.pk)


@never_cache
@require_GET
@require_permissions("certificates.view_certificate")
def run_detail(request, pk, run_pk):
    """Show a run's progress; the page reloads itself while the run is active."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    run = get_object_or_404(
        IssueRun.objects.select_related("created_by"), training=training, pk=run_pk
    )
    return render(request, "certificates/run.html", {"training": training, "run": run})


@never_cache
@require_http_methods(["GET", "POST"])
@require_permissions("certificates.change_certificatesettings")
def settings_edit(request, pk):
    """Edit how a training's certificates look and are numbered (issues nothing)."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    current = selectors.certificate_settings_for(training=training)
    if request.method == "POST":
        form = CertificateSettingsForm(request.POST, request.FILES, instance=current)
        if form.is_valid():
            try:
                services.save_certificate_settings(
                    training=training, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error, field="number_pattern")
            else:
                messages.success(request, _("The certificate settings were saved."))
                return redirect(_training_url(training))
    else:
        form = CertificateSettingsForm(instance=current)
    return render(
        request,
        "certificates/settings_form.html",
        {"training": training, "form": form, "is_default": current.training_id is None},
    )


@never_cache
@require_GET
@require_permissions("certificates.view_certificate")
def preview(request, pk, enrolment_pk):
    """Show a participant's certificate as it would be printed, issuing nothing."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    enrolment = _enrolment(training, enrolment_pk)
    try:
        content = services.preview_certificate(enrolment=enrolment)
    except ValidationError as error:
        _error_message(request, error)
        return redirect("certificates:training", pk=training.pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="pratinjau-sertifikat.pdf"'
    return response


@require_POST
@require_permissions("certificates.add_eligibilityoverride")
def override(request, pk, enrolment_pk):
    """Let a participant receive a certificate despite the rules, with a recorded reason."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    enrolment = _enrolment(training, enrolment_pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give a reason for the exception."), code="reason_required")
        services.override_eligibility(
            enrolment=enrolment, reason=form.cleaned_data["reason"], by=request.user
        )
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(
            request,
            _("%(name)s will receive a certificate.") % {"name": enrolment.employee.full_name},
        )
    return redirect(_training_url(training))


@require_POST
@require_permissions("certificates.delete_eligibilityoverride")
def override_remove(request, pk, enrolment_pk):
    """Withdraw an exception; an issued certificate stays valid until revoked."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    enrolment = _enrolment(training, enrolment_pk)
    services.remove_override(enrolment=enrolment, by=request.user)
    messages.success(request, _("The exception was withdrawn."))
    return redirect(_training_url(training))


# One certificate -------------------------------------------------------------------------------


@require_GET
@require_permissions("certificates.view_certificate")
def download(request, cert_pk):
    """Download one certificate of a training the organiser manages."""
    certificate = selectors.certificate_for_organiser(user=request.user, pk=cert_pk)
    return _file_response(certificate, inline=request.GET.get("view") == "1")


@require_POST
@require_permissions("certificates.revoke_certificate")
def reissue(request, cert_pk):
    """Replace a certificate by a corrected version (new data, same number)."""
    certificate = selectors.certificate_for_organiser(user=request.user, pk=cert_pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say what was corrected."), code="note_required")
        new = services.reissue_certificate(
            certificate=certificate, by=request.user, note=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(
            request,
            _("Certificate %(number)s was corrected (version %(version)d).")
            % {"number": new.number, "version": new.version},
        )
    return redirect(_training_url(certificate.enrolment.training))


@require_POST
@require_permissions("certificates.revoke_certificate")
def revoke(request, cert_pk):
    """Revoke a certificate with a reason the organisers keep; the public page says only that."""
    certificate = selectors.certificate_for_organiser(user=request.user, pk=cert_pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give a reason for revoking."), code="reason_required")
        services.revoke_certificate(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(
            request, _("Certificate %(number)s was revoked.") % {"number": certificate.number}
        )
    return redirect(_training_url(certificate.enrolment.training))


@require_POST
@require_permissions("certificates.revoke_certificate")
def reissue_revoked(request, cert_pk):
    """Issue a new certificate to a participant whose certificate was revoked, with a reason."""
    revoked = selectors.certificate_for_organiser(user=request.user, pk=cert_pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give a reason for re-issuing."), code="reason_required")
        new = services.reissue_after_revocation(
            enrolment=revoked.enrolment, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        _error_message(request, error)
    else:
        messages.success(
            request,
            _("Certificate %(number)s was issued to %(name)s after the revocation.")
            % {"number": new.number, "name": revoked.enrolment.employee.full_name},
        )
    return redirect(_training_url(revoked.enrolment.training))


# All of a training's certificates --------------------------------------------------------------


@require_POST
@require_permissions("certificates.view_certificate")
def export_start(request, pk, kind):
    """Start making one file of every valid certificate (or join or reuse one), in the background.

    A file already made for the same certificates is sent at once; otherwise the organiser
    watches its progress.
    """
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    if kind not in CertificateExport.Kind.values:
        raise Http404
    try:
        export = services_export.start_export(training=training, kind=kind, by=request.user)
    except ValidationError as error:
        _error_message(request, error)
        return redirect(_training_url(training))
    if export.is_ready:
        return redirect("certificates:export_download", pk=training.pk, export_pk=export.pk)
    return redirect("certificates:export", pk=training.pk, export_pk=export.pk)


@never_cache
@require_GET
@require_permissions("certificates.view_certificate")
def export_detail(request, pk, export_pk):
    """Show how far a bulk file is; offer it once ready, unless the certificates changed since."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    export = selectors.export_of_training(training=training, pk=export_pk)
    _ids, set_key = selectors.valid_certificate_set(training=training)
    return render(
        request,
        "certificates/export.html",
        {"training": training, "export": export, "is_current": export.set_key == set_key},
    )


@never_cache
@require_GET
@require_permissions("certificates.view_certificate")
def export_download(request, pk, export_pk):
    """Download a finished bulk file while it still holds the training's valid certificates."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    export = selectors.export_of_training(training=training, pk=export_pk)
    export_page = reverse("certificates:export", args=[training.pk, export.pk])
    if not export.is_ready:
        return redirect(export_page)
    _ids, set_key = selectors.valid_certificate_set(training=training)
    if export.set_key != set_key:
        messages.warning(
            request,
            _(
                "The certificates changed after this file was made, so it is out of date. "
                "Make a new one."
            ),
        )
        return redirect(export_page)
    try:
        content = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        content,
        as_attachment=True,
        filename=services_export.export_filename(export),
        content_type="application/zip"
        if export.kind == CertificateExport.Kind.ZIP
        else "application/pdf",
    )


@require_GET
@require_permissions("certificates.view_certificate")
def export_siasn(request, pk):
    """Download the SIASN course-history sheet of a training's valid certificates."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    out = exports.siasn_workbook(
        selectors.valid_certificates(training=training),
        institution=printed_by(selectors.certificate_settings_for(training=training))["government"].title(),
    )
    return FileResponse(
        out, as_attachment=True, filename=f"siasn-kursus-{training.code}.xlsx", content_type=XLSX
    )


# The participant's own ---------------------------------------------------------------------------


@require_GET
@login_required
def mine_download(request, cert_pk):
    """Download one of the signed-in person's own certificates; anyone else's is a 404."""
    certificate = selectors.certificate_of_participant(user=request.user, pk=cert_pk)
    return _file_response(certificate, inline=False)


@require_GET
@login_required
def mine_for_enrolment(request, enrolment_pk):
    """Download the person's own certificate of one of their trainings, or say it is not issued."""
    certificate = (
        selectors.certificates_of_participant(user=request.user)
        .filter(enrolment_id=enrolment_pk)
        .first()
    )
    if certificate is None:
        return render(request, "certificates/not_issued.html", status=404)
    return _file_response(certificate, inline=False)
