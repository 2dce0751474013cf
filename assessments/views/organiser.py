"""Organiser pages: the question bank, the tests' settings, results, analysis and downloads."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_service_errors
from trainings.models import Training
from core.permissions import require_permissions

from assessments import charts, selectors, services
from assessments.exporting import export_results
from assessments.forms import AssessmentForm, BankCopyForm, QuestionForm, QuestionImportForm, ResetForm
from assessments.models import Assessment, Attempt, Question
from assessments.question_files import QuestionFileError, QuestionRow, write_aiken, write_question_table
from core.summary import extra_sections

MANAGE = "assessments.manage_tests"
RESULTS = "assessments.view_results"
EXPORT_TYPES = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "aiken": ("text/plain; charset=utf-8", "txt"),
}


def _training(request, pk) -> Training:
    return get_object_or_404(selectors.trainings_for_tests(request.user), pk=pk)


def _question(request, pk) -> Question:
    return get_object_or_404(
        Question.objects.select_related("training").filter(
            training__in=selectors.trainings_for_tests(request.user)
        ),
        pk=pk,
    )


def _kind(kind: str) -> str:
    if kind not in Assessment.Kind.values:
        raise Http404("No such kind of test")
    return kind


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Overview ---------------------------------------------------------------------------------------


@require_GET
@require_permissions(RESULTS)
def training_index(request):
    """List the trainings with the size of their bank and their tests."""
    return render(
        request,
        "assessments/training_index.html",
        {"trainings": selectors.trainings_with_test_counts(request.user)},
    )


@require_GET
@require_permissions(RESULTS)
def training_tests(request, pk):
    """Show a training's bank, its pre-test and post-test and what to do next."""
    training = _training(request, pk)
    return render(
        request,
        "assessments/training_tests.html",
        {
            "training": training,
            "tests": selectors.tests_overview(training=training),
            "question_count": Question.objects.filter(training=training).count(),
            "can_manage": request.user.has_perm(MANAGE),
            "resets": selectors.reset_attempts_of_training(training=training)[:20],
        },
    )


# The question bank ------------------------------------------------------------------------------


@require_GET
@require_permissions(MANAGE)
def question_list(request, pk):
    """List the bank with every option and the key marked."""
    training = _training(request, pk)
    return render(
        request,
        "assessments/question_list.html",
        {"training": training, "questions": selectors.bank_for_training(training)},
    )


@require_http_methods(["GET", "POST"])
@require_permissions(MANAGE)
def question_create(request, pk):
    """Add a question to the bank."""
    training = _training(request, pk)
    form = QuestionForm(request.POST or None, training=training)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_question(training=training, by=request.user, **form.service_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The question was added."))
            if "another" in request.POST:
                return redirect("assessments:question_create", training.pk)
            return redirect("assessments:question_list", training.pk)
    return render(
        request,
        "assessments/question_form.html",
        {"form": form, "training": training, "question": None},
    )


@require_http_methods(["GET", "POST"])
@require_permissions(MANAGE)
def question_edit(request, pk):
    """Change a question; a changed key rescores the attempts that showed it."""
    question = _question(request, pk)
    training = question.training
    if request.method == "POST":
        form = QuestionForm(request.POST, training=training)
        if form.is_valid():
            try:
                services.update_question(question=question, by=request.user, **form.service_data())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("assessments:question_list", training.pk)
    else:
        form = QuestionForm(initial=QuestionForm.initial_for(question), training=training)
    return render(
        request,
        "assessments/question_form.html",
        {
            "form": form,
            "training": training,
            "question": question,
            "answered": question.answers.filter(chosen__isnull=False).exists(),
        },
    )


@require_POST
@require_permissions(MANAGE)
def question_delete(request, pk):
    """Remove a question nobody has been shown yet."""
    question = _question(request, pk)
    try:
        services.delete_question(question=question, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The question was deleted."))
    return redirect("assessments:question_list", question.training_id)


@require_http_methods(["GET", "POST"])
@require_permissions(MANAGE)
def question_import(request, pk):
    """Import questions from XLSX, CSV or Aiken: all of the file, or nothing, with the problems."""
    training = _training(request, pk)
    form = QuestionImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_questions(
                training=training, file=upload, filename=upload.name, by=request.user
            )
        except QuestionFileError as error:
            form.add_error("file", error.message)
        else:
            if result.ok:
                text = _("%(count)d questions were imported.") % {"count": result.created}
                if result.skipped:
                    text += " " + _("%(count)d were already in the bank and were skipped.") % {
                        "count": result.skipped
                    }
                messages.success(request, text)
                return redirect("assessments:question_list", training.pk)
    return render(
        request,
        "assessments/question_import.html",
        {"form": form, "training": training, "result": result},
    )


@require_GET
@require_permissions(MANAGE)
def question_export(request, pk):
    """Download the bank as XLSX, CSV or Aiken text, in the columns the import reads."""
    training = _training(request, pk)
    file_format = request.GET.get("format", "xlsx")
    if file_format not in EXPORT_TYPES:
        raise Http404("Unknown export format")
    rows = [
        QuestionRow(
            text=q.text,
            options=[o.text for o in q.options.all()],
            correct=next(o.position for o in q.options.all() if o.is_correct),
            topic=q.topic.topic if q.topic else "",
            explanation=q.explanation,
        )
        for q in selectors.bank_for_training(training)
    ]
    content_type, extension = EXPORT_TYPES[file_format]
    content = (
        write_aiken(rows)
        if file_format == "aiken"
        else write_question_table(rows, file_format=file_format)
    )
    return _download(content, content_type, f"soal-{slugify(training.code)}.{extension}")


@require_http_methods(["GET", "POST"])
@require_permissions(MANAGE)
def bank_copy(request, pk):
    """Copy the questions of another training (an earlier batch) into this one."""
    training = _training(request, pk)
    sources = selectors.trainings_to_copy_from(user=request.user, training=training)
    form = BankCopyForm(request.POST or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        try:
            copied = services.copy_question_bank(
                source=form.cleaned_data["source"], target=training, by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(count)d questions were copied.") % {"count": copied})
            return redirect("assessments:question_list", training.pk)
    return render(
        request,
        "assessments/bank_copy.html",
        {"form": form, "training": training, "sources": sources},
    )


# The tests --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_permissions(MANAGE)
def assessment_edit(request, pk, kind):
    """Set up a training's pre-test or post-test: window, time limit, questions, pass mark."""
    training = _training(request, pk)
    kind = _kind(kind)
    assessment = Assessment.objects.filter(training=training, kind=kind).first()
    if request.method == "POST":
        form = AssessmentForm(request.POST, training=training, kind=kind)
        if form.is_valid():
            try:
                services.configure_assessment(
                    training=training, kind=kind, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The test settings were saved."))
                return redirect("assessments:training_tests", training.pk)
    elif assessment is not None:
        form = AssessmentForm(
            initial=AssessmentForm.initial_for(assessment), training=training, kind=kind
        )
    else:
        form = AssessmentForm(training=training, kind=kind)
    return render(
        request,
        "assessments/assessment_form.html",
        {
            "form": form,
            "training": training,
            "assessment": assessment,
            "kind_label": Assessment.Kind(kind).label,
        },
    )


@require_POST
@require_permissions(MANAGE)
def assessment_release(request, pk, kind):
    """Release a test's results to the participants, or withdraw them."""
    training = _training(request, pk)
    assessment = get_object_or_404(Assessment, training=training, kind=_kind(kind))
    if request.POST.get("action") == "withdraw":
        services.withdraw_results(assessment=assessment, by=request.user)
        messages.success(request, _("The results are hidden from the participants again."))
    else:
        services.close_expired_attempts(assessment=assessment)
        services.release_results(assessment=assessment, by=request.user)
        messages.success(request, _("Participants can now see their own score."))
    return redirect("assessments:training_tests", training.pk)


@require_POST
@require_permissions(MANAGE)
def assessment_open_now(request, pk, kind):
    """Open a test from this minute, keeping its whole time limit before it closes."""
    training = _training(request, pk)
    assessment = services.open_now(
        assessment=get_object_or_404(Assessment, training=training, kind=_kind(kind)),
        by=request.user,
    )
    closes = timezone.localtime(assessment.closes_at)
    messages.success(
        request,
        _("%(test)s is open now, until %(day)s %(time)s %(zone)s.")
        % {
            "test": assessment.get_kind_display(),
            "day": formats.date_format(closes, "l, j F Y"),
            "time": formats.time_format(closes, "H.i"),
            "zone": closes.tzname(),
        },
    )
    return redirect("assessments:training_tests", training.pk)


@require_http_methods(["GET", "POST"])
@require_permissions(MANAGE)
def attempt_reset(request, pk):
    """Set a person's attempt aside, with a recorded reason, so they can take the test again."""
    try:
        attempt = selectors.attempt_for_organiser(user=request.user, pk=pk)
    except Attempt.DoesNotExist:
        raise Http404("No such attempt") from None
    training = attempt.assessment.training
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_attempt(
                attempt=attempt, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The attempt of %(name)s was reset; they can take the test again.")
                % {"name": attempt.enrolment.employee.full_name},
            )
            return redirect("assessments:results", training.pk)
    return render(
        request,
        "assessments/attempt_reset.html",
        {"form": form, "attempt": attempt, "training": training},
    )


# Results ----------------------------------------------------------------------------------------


def _results(training: Training):
    for assessment in Assessment.objects.filter(training=training):
        services.close_expired_attempts(assessment=assessment)
    return selectors.results_for_training(training=training)


def _chart_context(results) -> dict:
    pairs = [
        (p.person.pre, p.person.post)
        for p in results.participants
        if p.person.pre is not None and p.person.post is not None
    ]
    return {
        "paired_chart": charts.paired_chart(pairs),
        "distribution_chart": charts.distribution_chart(
            results.pre_distribution, results.post_distribution
        ),
        "colours": {"pre": charts.PRE_COLOUR, "post": charts.POST_COLOUR},
    }


@require_GET
@require_permissions(RESULTS)
def results(request, pk):
    """Show each participant's pre, post, gain and N-gain, the class figures and charts."""
    training = _training(request, pk)
    data = _results(training)
    return render(
        request,
        "assessments/results.html",
        {
            "training": training,
            "results": data,
            "can_manage": request.user.has_perm(MANAGE),
            **_chart_context(data),
        },
    )


@require_GET
@require_permissions(RESULTS)
def item_analysis(request, pk):
    """Show each question's facility and discrimination in the pre-test and post-test."""
    training = _training(request, pk)
    data = _results(training)
    return render(
        request, "assessments/item_analysis.html", {"training": training, "results": data}
    )


@require_GET
@require_permissions(RESULTS)
def results_xlsx(request, pk):
    """Download participants, class summary, units and questions as one workbook."""
    training = _training(request, pk)
    content = export_results(_results(training))
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    return _download(
        content,
        EXPORT_TYPES["xlsx"][0],
        f"hasil-tes-{slugify(training.code)}-{stamp}.xlsx",
    )


def _halves(items: list) -> list[list]:
    """Split a list in two columns, the first one the longer."""
    middle = (len(items) + 1) // 2
    return [part for part in (items[:middle], items[middle:]) if part]


@require_GET
@require_permissions(RESULTS)
def results_pdf(request, pk):
    """Download the one-page summary of the tests for the activity report (LPJ)."""
    from core.pdf import render_pdf  # WeasyPrint loads only when a PDF is made

    training = _training(request, pk)
    data = _results(training)
    pdf = render_pdf(
        "assessments/summary_pdf.html",
        {
            "training": training,
            "results": data,
            "extra_sections": extra_sections(training=training),
            "unit_columns": _halves(data.summary.groups),
            "printed_at": timezone.localtime(),
            **_chart_context(data),
        },
        time_limit=settings.PDF_TIME_LIMIT_REPORT,
    )
    return _download(pdf, "application/pdf", f"ringkasan-tes-{slugify(training.code)}.pdf")
