"""Plotly figure builders: DataFrame in, `go.Figure` out; one palette, one style (see `style`)."""
