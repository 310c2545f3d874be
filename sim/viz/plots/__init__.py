"""Charts and summary tables: :class:`~sim.model.records.Records` in, matplotlib ``Figure`` out.

One module per command's charts, on a shared look (:mod:`.style`):

- :mod:`.style`: rc style, the paradigm palette (registry order, Okabe–Ito, a line style and
  marker each), figure, footnote, date axis and milestones;
- :mod:`.run`: relation, status, partner alignment and arming charts of ``natosim run``;
- :mod:`.status`: institutional status S as stacked shares of replicas per rung (run,
  compare, validate and the explorer);
- :mod:`.compare`: observed against simulated and the coercion events of ``natosim compare``;
- :mod:`.scorecard`: the skill heatmap of ``compare`` and ``validate``;
- :mod:`.validation`: the train/test split and skill by horizon of ``natosim validate``;
- :mod:`.counterfactual`: the divergence chart of ``natosim counterfactual``;
- :mod:`.verdict`: the verdict as a picture (``validate``'s ``verdict.png``, ``natosim report``);
- :mod:`.summary`: the headline table of a run.

``from sim.viz import plots; plots.plot_relation(records)`` keeps working: every public name
is re-exported here.
"""

from sim.viz.plots.compare import (
    CALIBRATION_COLOR,
    COMPARE_PANELS,
    COMPARE_QUANTILES,
    OBSERVED_COLOR,
    ensemble_bands,
    event_probabilities,
    plot_events,
    plot_observed_vs_simulated,
)
from sim.viz.plots.counterfactual import plot_divergence
from sim.viz.plots.run import (
    alignment_matrix,
    plot_alignment_heatmap,
    plot_arming,
    plot_relation,
    plot_status,
)
from sim.viz.plots.scorecard import plot_scorecard
from sim.viz.plots.status import (
    RUNG_COLORS,
    draw_status_shares,
    rung_legend_handles,
    status_shares,
)
from sim.viz.plots.style import (
    BAND,
    NATO_COLOR,
    PARADIGM_LINESTYLES,
    PARADIGM_MARKERS,
    PARADIGM_PALETTE,
    RUSSIA_COLOR,
    STYLE,
    Look,
    footnote_text,
    input_milestones,
    paradigm_color,
    paradigm_look,
)
from sim.viz.plots.summary import COERCION_WATCH, summary_table, year_ranges
from sim.viz.plots.validation import BASELINE_STYLES, SPLIT_COLOR, mark_split, plot_skill_by_horizon
from sim.viz.plots.verdict import (
    compare_verdict_table,
    likelihood_verdict_table,
    plot_verdict,
    validation_verdict_table,
)

__all__ = [
    "BAND",
    "BASELINE_STYLES",
    "CALIBRATION_COLOR",
    "COERCION_WATCH",
    "COMPARE_PANELS",
    "COMPARE_QUANTILES",
    "NATO_COLOR",
    "OBSERVED_COLOR",
    "PARADIGM_LINESTYLES",
    "PARADIGM_MARKERS",
    "PARADIGM_PALETTE",
    "RUNG_COLORS",
    "RUSSIA_COLOR",
    "SPLIT_COLOR",
    "STYLE",
    "Look",
    "alignment_matrix",
    "compare_verdict_table",
    "draw_status_shares",
    "ensemble_bands",
    "event_probabilities",
    "footnote_text",
    "input_milestones",
    "likelihood_verdict_table",
    "mark_split",
    "paradigm_color",
    "paradigm_look",
    "plot_alignment_heatmap",
    "plot_arming",
    "plot_divergence",
    "plot_events",
    "plot_observed_vs_simulated",
    "plot_relation",
    "plot_scorecard",
    "plot_skill_by_horizon",
    "plot_status",
    "plot_verdict",
    "rung_legend_handles",
    "status_shares",
    "summary_table",
    "validation_verdict_table",
    "year_ranges",
]
