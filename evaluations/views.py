"""Evaluation pages: the organiser's set-up and results, the participant's form.

Participants reach only their own form (through their own enrolment); results need
evaluations.view_results.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_service_errors
from core.permissions import require_permissions

from evaluations import selectors, services
from evaluations.exporting import export_results
from evaluations.forms import EvaluationSettingsForm, ResponseForm
from evaluations.models import EvaluationForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _training(request, training_pk):
    return get_object_or_404(selectors.trainings_for_evaluation(user=request.user), pk=training_pk)


def _form_of(training) -> EvaluationForm | None:
    try:
        return training.evaluation_form
    except EvaluationForm.DoesNotExist:
        return None


# The organiser ----------------------------------------------------------------------------------


@require_GET
@require_permissions("evaluations.view_evaluationform")
def evaluation_list(request):
    """List the trainings with the state and response count of their evaluation."""
    now = timezone.now()
    trainings = selectors.trainings_with_evaluation_counts(user=request.user)
    rows = []
    for training in trainings:
        form = _form_of(training)
        rows.append(
            {
                "training": training,
                "form": form,
                "state": selectors.form_state(form, now=now) if form else "",
                "rate": selectors.response_rate_text(
                    training.respondent_count, training.enrolled_count
                ),
            }
        )
    return render(request, "evaluations/evaluation_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@require_permissions("evaluations.view_evaluationform")
def form_settings(request, training_pk):
    """Show a training's evaluation form settings and questions; change them."""
    training = _training(request, training_pk)
    evaluation_form = _form_of(training)
    if evaluation_form is None:
        if request.method == "POST":
            raise Http404("No evaluation form")
        return render(
            request,
            "evaluations/form_settings.html",
            {"training": training, "evaluation_form": None},
        )
    locked = selectors.has_responses(form=evaluation_form)
    if request.method == "POST":
        if not request.user.has_perm("evaluations.change_evaluationform"):
            raise PermissionDenied
        settings_form = EvaluationSettingsForm(
            request.POST, evaluation_form=evaluation_form, locked=locked
        )
        if settings_form.is_valid():
            try:
                services.update_evaluation_form(
                    form=evaluation_form, **settings_form.service_arguments()
                )
            except ValidationError as error:
                add_service_errors(settings_form, error)
            else:
                messages.success(request, _("The evaluation form was saved."))
                return redirect("evaluations:form_settings", training_pk=training.pk)
    else:
        settings_form = EvaluationSettingsForm(evaluation_form=evaluation_form, locked=locked)
    return render(
        request,
        "evaluations/form_settings.html",
        {
            "training": training,
            "evaluation_form": evaluation_form,
            "settings_form": settings_form,
            "locked": locked,
            "state": selectors.form_state(evaluation_form, now=timezone.now()),
            "can_change": request.user.has_perm("evaluations.change_evaluationform"),
            "can_see_results": request.user.has_perm("evaluations.view_results"),
        },
    )


@require_POST
@require_permissions("evaluations.add_evaluationform")
def form_create(request, training_pk):
    """Give a training its evaluation form with the default questions."""
    training = _training(request, training_pk)
    try:
        services.create_evaluation_form(training=training, created_by=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "The evaluation form was created with the standard questions. Check them and "
                "the dates it is open."
            ),
        )
    return redirect("evaluations:form_settings", training_pk=training.pk)


@require_GET
@require_permissions("evaluations.view_evaluationform")
def form_preview(request, training_pk):
    """Show the form as participants will see it, without a way to send it."""
    training = _training(request, training_pk)
    evaluation_form = _form_of(training)
    if evaluation_form is None:
        raise Http404("No evaluation form")
    return render(
        request,
        "evaluations/respond.html",
        {
            "training": training,
            "evaluation_form": evaluation_form,
            "form": _response_form(evaluation_form),
            "preview": True,
        },
    )


@require_GET
@require_permissions("evaluations.view_results")
def results(request, training_pk):
    """Show the means, distributions, open answers and response rate of an evaluation."""
    training = _training(request, training_pk)
    evaluation_form = _form_of(training)
    if evaluation_form is None:
        raise Http404("No evaluation form")
    return render(
        request,
        "evaluations/results.html",
        {
            "training": training,
            "evaluation_form": evaluation_form,
            "results": selectors.evaluation_results(form=evaluation_form),
            "state": selectors.form_state(evaluation_form, now=timezone.now()),
        },
    )


@require_GET
@require_permissions("evaluations.view_results")
def results_export(request, training_pk):
    """Download an evaluation's results and every response as XLSX."""
    training = _training(request, training_pk)
    evaluation_form = _form_of(training)
    if evaluation_form is None:
        raise Http404("No evaluation form")
    content = export_results(
        selectors.evaluation_results(form=evaluation_form),
        selectors.response_rows(form=evaluation_form),
    )
    response = HttpResponse(content, content_type=XLSX)
    filename = f"evaluasi-{slugify(training.code)}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The participant --------------------------------------------------------------------------------


def _response_form(evaluation_form, data=None) -> ResponseForm:
    return ResponseForm(
        data,
        evaluation_form=evaluation_form,
        questions=selectors.questions_by_section(form=evaluation_form),
        speakers=selectors.speakers_of_training(training=evaluation_form.training),
    )


@never_cache
@require_GET
@login_required
def my_evaluations(request):
    """List the signed-in person's evaluation forms: to fill in, filled in, closed."""
    items = selectors.evaluations_of_participant(user=request.user)
    return render(request, "evaluations/my_evaluations.html", {"items": items})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def respond(request, training_pk):
    """Let an enrolled participant fill in their training's evaluation, once."""
    enrolment = selectors.enrolment_for_evaluation(user=request.user, training_pk=training_pk)
    if enrolment is None:
        raise Http404("Not enrolled")
    training = enrolment.training
    evaluation_form = _form_of(training)
    if evaluation_form is None:
        raise Http404("No evaluation form")
    context = {"training": training, "evaluation_form": evaluation_form}
    if selectors.has_responded(form=evaluation_form, enrolment=enrolment):
        if request.method == "POST":
            messages.info(request, _("Your answers were already recorded. Thank you!"))
            return redirect("evaluations:respond", training_pk=training.pk)
        return render(request, "evaluations/respond_done.html", context)
    state = selectors.form_state(evaluation_form, now=timezone.now())
    if state != "open":
        return render(request, "evaluations/respond_closed.html", {**context, "state": state})

    form = _response_form(evaluation_form, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_response(
                form=evaluation_form,
                enrolment=enrolment,
                ratings=form.ratings(),
                open_answers=form.open_answers(),
            )
        except ValidationError as error:
            if error.code == "already_responded":
                messages.info(request, _("Your answers were already recorded. Thank you!"))
                return redirect("evaluations:respond", training_pk=training.pk)
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you! Your answers were recorded."))
            return redirect("evaluations:respond", training_pk=training.pk)
    return render(request, "evaluations/respond.html", {**context, "form": form, "preview": False})
