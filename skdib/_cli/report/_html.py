"""The HTML page of a report folder (a template string, no Jinja)."""

from html import escape
from string import Template

from skdib._cli.report._summary import SCALE_PERCENTILE

__all__ = ["render_index"]

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: 1080px; margin: 2em auto; padding: 0 1.2em; color: #222;
       line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.1em; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd;
     padding-bottom: 0.2em; }
.sub { color: #666; margin-top: 0.2em; }
.cards { display: flex; gap: 0.8em; flex-wrap: wrap; margin: 1.2em 0; }
.card { border: 1px solid #ddd; border-radius: 8px; padding: 0.6em 1em;
        min-width: 140px; background: #fafafa; }
.card .v { font-size: 1.45em; font-weight: 600; }
.card .k { color: #666; font-size: 0.85em; }
table.rank { border-collapse: collapse; font-size: 0.93em; }
table.rank th, table.rank td { padding: 0.3em 0.8em; text-align: right;
                               border-bottom: 1px solid #eee; }
table.rank th { background: #f3f3f3; }
table.rank td.channel, table.rank td.cols, table.rank td.kind,
table.rank td.what { text-align: left; }
table.rank td.channel { font-weight: 600; }
table.rank td.bits { min-width: 170px; }
.bar { display: inline-block; height: 0.75em; background: #1f77b4;
       border-radius: 2px; vertical-align: middle; margin-right: 0.4em; }
.muted { color: #999; }
.figs { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr));
        gap: 1.2em 1.6em; }
figure { margin: 0.6em 0; }
figure.wide { grid-column: 1 / -1; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
@media (max-width: 800px) { .figs { grid-template-columns: 1fr; } }
figcaption { color: #444; font-size: 0.92em; max-width: 900px; }
figcaption b { color: #222; }
pre { background: #f5f5f5; padding: 0.8em 1em; overflow-x: auto;
      font-size: 0.85em; border-radius: 4px; }
footer { color: #888; font-size: 0.85em; margin: 2.5em 0 1em; }
.banner { border: 2px solid #c0392b; background: #fdecea; color: #7b1f17;
          padding: 0.6em 1em; border-radius: 6px; font-weight: 600; }
.warnings { border-left: 4px solid #d9822b; background: #fff7ec; padding: 0.1em 1em; }
</style>
</head>
<body>
$banner
<h1>$title</h1>
<p class="sub">$subtitle</p>
<div class="cards">
$cards
</div>
$description
<h2>How well it predicts</h2>
$scores
<h2>Where the information about the target is</h2>
<p>The Distributed Information Bottleneck compresses every feature on its own
and sweeps the bottleneck strength β from weak to strong. Features that matter
for the target keep their information longest; the table ranks them by the
point where they lose it (below $threshold bits). Bars are scaled to
$scale bits, the ${percentile}th percentile of the bits over the whole path, so one
extreme value cannot flatten the others; a longer value fills its bar.</p>
$table
<h2>Plots</h2>
<div class="figs">
$figures
</div>
<h2>Files</h2>
<ul>
$files
</ul>
<pre>import joblib
model = joblib.load("model.joblib")   # a fitted $estimator
model.information_path_.to_frame()    # the table in path.csv
model.set_path_point(beta=0.01)       # rewind to another point of the path</pre>
<footer>Command: <code>$command</code><br>$versions</footer>
</body>
</html>
""")


def _card(value, key):
    return (f'<div class="card"><div class="v">{escape(value)}</div>'
            f'<div class="k">{escape(key)}</div></div>')


def _drop_cell(row):
    if row.status == "drops":
        return f"{row.drop_beta:.2g}"
    return f'<span class="muted">{escape(row.status)}</span>'


def _interval_cell(row):
    """The bounds around the bits, with how they were estimated."""
    if row.bits_lower != row.bits_lower:  # NaN: no bounds
        return f'<span class="muted">{escape(row.method)}</span>'
    note = " (lower bound saturated: a wide interval)" if row.saturated else ""
    error = (f", SE {row.bits_se:.2f}" if row.bits_se == row.bits_se
             else "")  # NaN: not recorded
    return (f"{row.bits_lower:.2f} – {row.bits_upper:.2f}{error} "
            f'<span class="muted">{escape(row.method)}{note}</span>')


BAR_PX = 120


def _bits_cell(bits, scale):
    """A bar (full at ``scale`` bits, never longer) and the value."""
    width = BAR_PX * min(max(bits, 0.0) / scale, 1.0)
    return (f'<td class="bits"><span class="bar" style="width:{width:.0f}px">'
            f"</span>{bits:.2f}</td>".replace("-0.00", "0.00"))


def _table(summary, scale):
    groups = (summary["columns"] != summary["channel"]).any()
    head = ["#", "Feature", "Kind"] + (["Columns"] if groups else []) + [
        "Bits at chosen point", "Interval", "Most bits on the path",
        "Loses its information at β"]
    lines = ['<table class="rank">',
             "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>"]
    for row in summary.itertuples():
        cells = [f"<td>{row.rank}</td>",
                 f'<td class="channel">{escape(row.channel)}</td>',
                 f'<td class="kind">{escape(row.kind)}</td>']
        if groups:
            cells.append(f'<td class="cols">{escape(row.columns)}</td>')
        cells += [_bits_cell(row.bits_best, scale),
                  f"<td>{_interval_cell(row)}</td>",
                  f"<td>{row.bits_max:.2f}</td>",
                  f"<td>{_drop_cell(row)}</td>"]
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _scores(rows, note):
    """The score table: (what, score text) rows and a note above them."""
    lines = [f"<p>{escape(note)}</p>", '<table class="rank">',
             "<tr><th>Model</th><th>Score</th></tr>"]
    lines += [f'<tr><td class="what">{escape(what)}</td><td>{escape(value)}'
              "</td></tr>" for what, value in rows]
    return "\n".join([*lines, "</table>"])


def _figure(name, title, caption, wide):
    """A figure and its caption; ``name`` None: one that was not drawn (the
    caption says why)."""
    css = ' class="wide"' if wide else ""
    title = escape(title)
    image = ("" if name is None else
             f'<a href="{escape(name)}"><img src="{escape(name)}" alt="{title}"></a>')
    return (f"<figure{css}>{image}<figcaption><b>{title}.</b> {escape(caption)}"
            "</figcaption></figure>")


def fit_warnings_html(notes):
    """The warnings of the fit, for the page (empty when there were none)."""
    if not notes:
        return ""
    items = "".join(f"<li>{escape(note)}</li>" for note in notes)
    return (f'<div class="warnings"><p>The fit warned ({len(notes)}):</p>'
            f"<ul>{items}</ul></div>")


def render_index(*, title, subtitle, cards, description, summary, figures,
                 files, estimator, command, versions, threshold, scale,
                 scores=((), ""), banner=""):
    """Fill the page.

    Parameters
    ----------
    title, subtitle : str
    cards : list of (value, label)
        Key numbers shown as cards.
    description : str
        Trusted HTML about the data (built by the caller with escaping).
    summary : DataFrame
        From :func:`skdib._cli.report._summary.channel_summary`.
    figures : list of (file name, title, caption, wide)
        ``wide`` figures span the page; the others go two by two. A file
        name None is a figure that was not drawn: its caption says why.
    files : list of (file name, what it is)
    estimator : str
        Class name of the model.
    command : str
    versions : dict name -> version
    threshold : float
    scale : float
        Bits that fill a bar (:func:`skdib._cli.report._summary.bits_scale`).
    scores : (rows, note)
        The score table: (what, score text) rows, and the sentence above it.
    banner : str, optional
        Text shown above everything else, for a report of a sweep that
        stopped early; none by default.
    """
    return PAGE.substitute(
        banner=(f'<p class="banner" role="alert">{escape(banner)}</p>'
                if banner else ""),
        title=escape(title),
        subtitle=escape(subtitle),
        cards="\n".join(_card(v, k) for v, k in cards),
        description=description,
        threshold=f"{threshold:g}",
        scale=f"{scale:.2f}",
        percentile=SCALE_PERCENTILE,
        scores=_scores(*scores),
        table=_table(summary, scale),
        figures="\n".join(_figure(*f) for f in figures),
        files="\n".join(f'<li><a href="{escape(n)}">{escape(n)}</a>: '
                        f"{escape(what)}</li>" for n, what in files),
        estimator=escape(estimator),
        command=escape(command),
        versions=escape(", ".join(f"{k} {v}" for k, v in versions.items())),
    )

