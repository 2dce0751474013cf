"""Writes for tests, by area: the question bank, the tests' settings, and attempts."""

from assessments.services.assessments import (
    configure_assessment,
    open_now,
    release_results,
    withdraw_results,
)
from assessments.services.attempts import (
    close_expired_attempts,
    reset_attempt,
    save_answer,
    start_attempt,
    submit_attempt,
)
from assessments.services.bank import (
    QuestionImport,
    copy_question_bank,
    create_question,
    delete_question,
    import_questions,
    rescore_attempts,
    update_question,
)

__all__ = [
    "QuestionImport",
    "close_expired_attempts",
    "configure_assessment",
    "copy_question_bank",
    "create_question",
    "delete_question",
    "import_questions",
    "open_now",
    "release_results",
    "rescore_attempts",
    "reset_attempt",
    "save_answer",
    "start_attempt",
    "submit_attempt",
    "update_question",
    "withdraw_results",
]
