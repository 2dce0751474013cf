"""
The participant's own test pages, built for a 360-px phone.

Nothing here takes another person's id: every attempt and test is looked up through the
signed-in person's own enrolments, and anything else is a 404. The answer key and the
explanations appear only on the result page, and only when key_visible() says so.

Taking a test works without JavaScript (each question is a small form that posts and comes
back to the next question); static/js/assessments-attempt.js saves each choice the moment it
is made, keeps unsent choices in localStorage while offline, and counts the time down.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import selectors, services
from assessments.models import Assessment, Attempt

# Codes that mean the attempt is over: the page should move on to the result.
OVER_CODES = {"deadline_passed", "submitted", "reset"}


def _own_attempt(request, pk) -> Attempt:
    try:
        return selectors.own_attempt(user=request.user, pk=pk)
    except Attempt.DoesNotExist:
        raise Http404("No such attempt") from None


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


@never_cache
@require_GET
@login_required
def my_tests(request):
    """List the person's pre-tests and post-tests: to take, running, done (with released scores)."""
    return render(
        request, "assessments/my_tests.html", {"tests": selectors.own_tests(user=request.user)}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def test_start(request, pk):
    """Show a test's instructions and start it (or go back to the running attempt)."""
    try:
        test = selectors.own_test(user=request.user, pk=pk)
    except Assessment.DoesNotExist:
        raise Http404("No such test") from None
    if test.attempt is not None:
        if test.state == "finished":
            return redirect("assessments:attempt_result", test.attempt.pk)
        if request.method == "POST":
            return redirect("assessments:attempt_take", test.attempt.pk)
    if request.method == "POST":
        try:
            attempt = services.start_attempt(assessment=test.assessment, enrolment=test.enrolment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("assessments:test_start", pk)
        return redirect("assessments:attempt_take", attempt.pk)
    return render(
        request,
        "assessments/test_start.html",
        {
            "test": test,
            "question_count": selectors.questions_for_assessment(test.assessment).count(),
        },
    )


@never_cache
@require_GET
@login_required
def attempt_take(request, pk):
    """Show every question of a running attempt, in this attempt's own order."""
    attempt = _own_attempt(request, pk)
    if attempt.reset_at is not None:
        messages.info(
            request, _("The organiser has reset this attempt. You can start the test again.")
        )
        return redirect("assessments:test_start", attempt.assessment_id)
    now = timezone.now()
    if attempt.is_finished(now):
        return redirect("assessments:attempt_result", attempt.pk)
    questions = selectors.questions_for_attempt(attempt)
    return render(
        request,
        "assessments/attempt.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "questions": questions,
            "answered": sum(1 for q in questions if q.chosen_id),
            "remaining_seconds": int((attempt.deadline - now).total_seconds()),
        },
    )


@never_cache
@require_POST
@login_required
def attempt_answer(request, pk):
    """Save one choice. Answers JSON to the page's script, or comes back to the next question."""
    attempt = _own_attempt(request, pk)
    try:
        question_id = int(request.POST["question"])
        option_id = int(request.POST["option"])
    except (KeyError, ValueError):
        if _wants_json(request):
            return JsonResponse(
                {"ok": False, "code": "bad_request", "message": _("Choose an option.")}, status=400
            )
        messages.error(request, _("Choose an option before saving."))
        return redirect(reverse("assessments:attempt_take", args=[attempt.pk]))
    try:
        answer = services.save_answer(attempt=attempt, question_id=question_id, option_id=option_id)
    except ValidationError as error:
        code = error.code or "invalid"
        if _wants_json(request):
            return JsonResponse(
                {
                    "ok": False,
                    "code": code,
                    "message": " ".join(error.messages),
                    "result_url": reverse("assessments:attempt_result", args=[attempt.pk])
                    if code in OVER_CODES
                    else "",
                },
                status=409 if code in OVER_CODES else 400,
            )
        messages.error(request, " ".join(error.messages))
        if code in OVER_CODES:
            return redirect("assessments:attempt_result", attempt.pk)
        return redirect(reverse("assessments:attempt_take", args=[attempt.pk]))
    if _wants_json(request):
        remaining = int((attempt.deadline - timezone.now()).total_seconds())
        return JsonResponse(
            {"ok": True, "question": question_id, "option": option_id, "remaining": remaining}
        )
    following = min(answer.position + 1, attempt.question_count)
    return redirect(reverse("assessments:attempt_take", args=[attempt.pk]) + f"#q-{following}")


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def attempt_submit(request, pk):
    """Ask for confirmation (showing what is unanswered), then hand the attempt in."""
    attempt = _own_attempt(request, pk)
    if attempt.reset_at is not None:
        return redirect("assessments:test_start", attempt.assessment_id)
    if request.method == "POST" or attempt.is_finished(timezone.now()):
        services.submit_attempt(attempt=attempt)
        return redirect("assessments:attempt_result", attempt.pk)
    questions = selectors.questions_for_attempt(attempt)
    return render(
        request,
        "assessments/attempt_submit.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "unanswered": [q.number for q in questions if not q.chosen_id],
            "answered": sum(1 for q in questions if q.chosen_id),
            "total": len(questions),
        },
    )


@never_cache
@require_GET
@login_required
def attempt_result(request, pk):
    """Show that the attempt is in; the score once released; the key when key_visible()."""
    attempt = _own_attempt(request, pk)
    if attempt.reset_at is not None:
        return redirect("assessments:test_start", attempt.assessment_id)
    now = timezone.now()
    if not attempt.is_finished(now):
        return redirect("assessments:attempt_take", attempt.pk)
    if attempt.submitted_at is None:
        attempt = services.submit_attempt(attempt=attempt, now=now)  # ran out of time
        attempt = selectors.own_attempt(user=request.user, pk=pk)
    released = selectors.score_visible(attempt=attempt, now=now)
    show_key = released and selectors.key_visible(attempt=attempt, now=now)
    return render(
        request,
        "assessments/attempt_result.html",
        {
            "attempt": attempt,
            "assessment": attempt.assessment,
            "released": released,
            "review": selectors.review_for_attempt(attempt) if show_key else None,
        },
    )
