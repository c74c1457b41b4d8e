"""Charts of cutoffs, invitation volumes and the pool.

Every function follows seaborn's convention: ``plot_x(data, *, ax=None,
**kwargs) -> Axes`` (the ``*_panels`` functions return their array of Axes).
It draws on ``ax`` (a new figure when None), never calls ``plt.show()`` and
changes no global state (no ``rcParams``, no style); the caller or
:mod:`ee_trends.output.report` owns ``savefig``.

All charts share one look, sized to read at 800 pixels wide:

- the colour of a program is :data:`ee_trends.programs.PROGRAM_COLORS`
  everywhere: eight colour-blind-safe colours for the main programs, one
  grey for the small categories;
- legends show line or marker swatches;
- policy events are numbered markers in a band above the plot area, with
  their key in the caption, never text over the data;
- a last year or quarter the data does not cover whole is hatched in white
  over the program's own colour (never faded), and the caption says whether
  it is still running (the chart's date falls in it) or incomplete (it ended
  after the data does);
- stacked segments have white edges;
- a caption line under the axes names the source and the date the data runs to.

Only this package and :mod:`ee_trends.output.model_plots` import matplotlib and
seaborn. Modules: :mod:`.style` (the house look), :mod:`.cutoffs`,
:mod:`.volumes`, :mod:`.pool`.
"""

from ee_trends.output.plots.cutoffs import (
    cutoff_hover,
    plot_cutoffs,
    plot_recent_cutoffs,
    plot_size_vs_cutoff,
)
from ee_trends.output.plots.pool import (
    plot_pool_area,
    plot_pool_heatmap,
)
from ee_trends.output.plots.style import (
    SOURCE,
    add_caption,
    add_legend,
    caption_text,
    finish_axes,
    mark_events,
    new_axes,
)
from ee_trends.output.plots.volumes import (
    plot_cumulative_invitations,
    plot_invitations,
)
from ee_trends.programs import PROGRAM_COLORS

__all__ = [
    "PROGRAM_COLORS",
    "SOURCE",
    "add_caption",
    "add_legend",
    "caption_text",
    "cutoff_hover",
    "finish_axes",
    "mark_events",
    "new_axes",
    "plot_cumulative_invitations",
    "plot_cutoffs",
    "plot_invitations",
    "plot_pool_area",
    "plot_pool_heatmap",
    "plot_recent_cutoffs",
    "plot_size_vs_cutoff",
]
