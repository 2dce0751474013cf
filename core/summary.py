"""
Extra sections of the one-page results summary (PDF), contributed by other apps.

The summary of a training's tests goes into the activity report (LPJ). Other apps add their own
part of that page without this app knowing them: the evaluations app, for one, registers a
provider in its AppConfig.ready():

    from core.summary import SummarySection, register_summary_section

    def evaluation_summary(*, training):
        data = evaluation_results(training=training)
        if data is None:
            return None
        return SummarySection(
            title=_("Evaluation of the training"),
            template_name="evaluations/_summary_section.html",
            context={"evaluation": data},
        )

    register_summary_section(evaluation_summary)

templates/assessments/summary_pdf.html (the tests app's summary) includes each section's template, after the test
results, with the section's context (and the training) available to it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class SummarySection:
    title: str
    template_name: str
    context: dict = field(default_factory=dict)


_providers: list[Callable] = []


def register_summary_section(provider: Callable) -> Callable:
    """Add a provider(*, training) -> SummarySection | None to the summary; usable as decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def extra_sections(*, training) -> list[SummarySection]:
    """Return the sections the registered providers give for a training, in order."""
    sections = []
    for provider in _providers:
        section = provider(training=training)
        if section is not None:
            sections.append(section)
    return sections
