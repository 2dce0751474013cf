from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluations")

    def ready(self):
        # The tests app's one-page summary (PDF) shows each training's evaluation too; it asks
        # the apps that want a part of that page to register.
        from core.summary import register_summary_section

        register_summary_section(summary_section)


def summary_section(*, training):
    """Return the evaluation's part of the tests' one-page summary, or None without a form."""
    from core.summary import SummarySection

    from evaluations.selectors import evaluation_summary

    summary = evaluation_summary(training=training)
    if summary is None:
        return None
    return SummarySection(
        title=str(_("Evaluation of the training")),
        template_name="evaluations/_summary_section.html",
        context={"summary": summary},
    )
