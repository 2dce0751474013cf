"""Organiser pages for a training's certificates, and the participant's own download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import jobs
from core.forms import add_service_errors
from core.pdf import PdfNotMade
from core.permissions import require_permissions
from core.submissions import claim_submission, submission_token
from trainings.models import Enrolment

from certificates import exports, selectors, services, services_export
from certificates.eligibility import eligibility_for_training
from certificates.forms import (
    CertificateFilterForm,
    CertificateSettingsForm,
    EnrolmentSelectionForm,
    ReasonForm,
)
from certificates.pdf import printed_by
from certificates.models import Certificate, CertificateExport, IssueRun, certificate_set_key
from certificates.whatsapp import certificate_message

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


def _file_response(request, certificate: Certificate, *, inline: bool):
    try:
        certificate = services.certificate_with_pdf(certificate=certificate)
    except ValidationError as error:  # the PDF had to be made again and could not be stored
        return render(
            request, "certificates/pdf_unavailable.html", {"messages_": error.messages}, status=503
        )
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


def _entry_state(entry) -> str:
    """Return where a participant's certificate stands: a key of CertificateFilterForm.STATES."""
    if entry["valid"]:
        return "issued" if entry["valid"].has_pdf else "pdf_pending"
    if entry["revoked"]:
        return "revoked"
    return "to_issue" if entry["row"].eligible else "not_eligible"


def _certificate_entries(training, *, filters: dict):
    """Return every participant's row (eligibility, certificates, state), the certificates and
    the rows the search and filters keep. A fixed number of queries whatever the length."""
    rows = eligibility_for_training(training=training)
    by_enrolment: dict[int, list[Certificate]] = {}
    all_certificates = list(selectors.certificates_of_training(training=training))
    for certificate in all_certificates:
        by_enrolment.setdefault(certificate.enrolment_id, []).append(certificate)
    revoked = selectors.revoked_for_good(all_certificates)
    entries = []
    for row in rows:
        certificates = by_enrolment.get(row.enrolment.pk, [])
        entry = {
            "row": row,
            "valid": next((c for c in certificates if c.status == Certificate.Status.VALID), None),
            "revoked": revoked.get(row.enrolment.pk),
            "history": certificates,
        }
        entry["state"] = _entry_state(entry)
        entries.append(entry)
    shown = entries
    if filters.get("q") or filters.get("unit"):
        found = set(
            selectors.enrolment_ids_matching(
                training=training, query=filters.get("q"), unit=filters.get("unit")
            )
        )
        shown = [entry for entry in shown if entry["row"].enrolment.pk in found]
    if state := filters.get("state"):
        shown = [entry for entry in shown if entry["state"] == state]
    return entries, all_certificates, shown


@never_cache
@require_GET
@require_permissions("certificates.view_certificate")
def training_certificates(request, pk):
    """List who will and who won't receive a certificate and why, with the issued ones;
    searchable, filtered, with the ticked people to email."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    filter_form = CertificateFilterForm(request.GET or None, training=training)
    filters = filter_form.filters()
    entries, all_certificates, shown = _certificate_entries(training, filters=filters)
    for entry in shown:
        entry["whatsapp"] = certificate_message(entry["valid"]) if entry["valid"] else None
    rows = [entry["row"] for entry in entries]
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
            "entries": shown,
            "entries_total": len(entries),
            "filter_form": filter_form,
            "is_filtered": any(value for value in filters.values()),
            "query": request.GET.urlencode(),
            "submission": submission_token(),
            "eligible_count": sum(1 for row in rows if row.eligible),
            "to_issue": sum(1 for e in entries if e["state"] == "to_issue"),
            "valid_count": sum(1 for e in entries if e["valid"]),
            "revoked_count": sum(1 for e in entries if e["row"].eligible and e["revoked"]),
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


@never_cache
@require_GET
@require_permissions("certificates.view_certificate")
def training_certificates_xlsx(request, pk):
    """Download the certificate list, as the page's search and filters show it, as XLSX."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    filter_form = CertificateFilterForm(request.GET or None, training=training)
    _entries, _certificates, shown = _certificate_entries(training, filters=filter_form.filters())
    labels = dict(CertificateFilterForm.STATES)
    return HttpResponse(
        exports.certificate_list_xlsx(shown, state_labels=labels),
        content_type=XLSX,
        headers={
            "Content-Disposition": content_disposition_header(
                True, exports.certificate_list_filename(training)
            ),
            "X-Content-Type-Options": "nosniff",
        },
    )


@require_POST
@require_permissions("certificates.issue_certificate")
def email_selected(request, pk):
    """Email the download link to the ticked holders not yet emailed, once per submitted form."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = _training_url(training)
    form = EnrolmentSelectionForm(request.POST, training=training)
    if not form.is_valid():
        for error in form.errors.get("enrolments", []):
            messages.error(request, error)
        return redirect(back)
    if not claim_submission(user=request.user, token=form.cleaned_data["submission"]):
        messages.info(request, _("This request was already carried out; nothing was sent again."))
        return redirect(back)
    ticked = form.cleaned_data["enrolments"]
    run = services.start_email_run(training=training, by=request.user, enrolment_ids=ticked)
    skipped = len(ticked) - run.total
    if run.total:
        messages.success(
            request,
            ngettext(
                "The certificate link is being emailed to %(count)d participant.",
                "The certificate link is being emailed to %(count)d participants.",
                run.total,
            )
            % {"count": run.total},
        )
    if skipped > 0:
        messages.warning(
            request,
            ngettext(
                "%(count)d ticked participant gets no email: no certificate yet, no email "
                "address, or emailed already.",
                "%(count)d ticked participants get no email: no certificate yet, no email "
                "address, or emailed already.",
                skipped,
            )
            % {"count": skipped},
        )
    if not run.total:
        return redirect(back)
    return redirect("certificates:run", pk=training.pk, run_pk=run.pk)


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
    revoked = selectors.revoked_for_good(selectors.certificates_of_training(training=training))
    if revoked:
        message = ngettext(
            "%(count)d participant whose certificate was revoked is not issued one again; "
            "re-issue one by one with a reason.",
            "%(count)d participants whose certificate was revoked are not issued one again; "
            "re-issue one by one with a reason.",
            len(revoked),
        ) % {"count": len(revoked)}
        if not run.total:
            message = _("No certificate needs issuing.") + " " + message
        messages.info(request, message)
    if not run.total:
        return redirect(_training_url(training))
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
def whatsapp_list(request, pk):
    """List every holder of a valid certificate with a WhatsApp link carrying its address."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    prepared = [
        certificate_message(certificate)
        for certificate in selectors.valid_certificates(training=training)
    ]
    return render(
        request,
        "certificates/whatsapp_list.html",
        {
            "training": training,
            "prepared": prepared,
            "without_number": sum(1 for message in prepared if not message.number),
        },
    )


@never_cache
@require_GET
@require_permissions("certificates.view_certificate")
def run_detail(request, pk, run_pk):
    """Show a run's progress; the page reloads itself while the run is active."""
    training = selectors.training_for_certificates(user=request.user, pk=pk)
    run = get_object_or_404(
        IssueRun.objects.select_related("created_by"), training=training, pk=run_pk
    )
    stopped = run.is_active and run.has_stopped
    return render(
        request,
        "certificates/run.html",
        {
            "training": training,
            "run": run,
            "stopped": stopped,
            "stopped_message": jobs.stopped_message() if stopped else "",
            "can_issue": request.user.has_perm("certificates.issue_certificate"),
        },
    )


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
    except PdfNotMade:
        raise  # its own page says why (bimtek.middleware.PdfNotMadeMiddleware)
    except ValidationError as error:  # the office profile is not complete yet
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
    return _file_response(request, certificate, inline=request.GET.get("view") == "1")


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
    stopped = export.is_active and export.has_stopped
    return render(
        request,
        "certificates/export.html",
        {
            "training": training,
            "export": export,
            "is_current": export.set_key == set_key,
            "stopped": stopped,
            "stopped_message": jobs.stopped_message() if stopped else "",
        },
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
    return _file_response(request, certificate, inline=False)


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
    return _file_response(request, certificate, inline=False)
