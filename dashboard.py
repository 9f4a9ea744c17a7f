"""Entry point: page config, the page registry for this session, and the shared sidebar."""

import streamlit as st

from wuxing import navigation, ui

st.set_page_config(page_title="五星支部创建数据看板", page_icon=":material/star:", layout="wide")

role = "viewer"
specs = navigation.pages_for(role)
groups: dict[str, list] = {}
for spec in specs:
    page = st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                   default=spec.default)  # fmt: skip
    groups.setdefault(spec.group, []).append(page)
current = st.navigation(groups)

dataset = ui.load_dataset()
st.sidebar.markdown("### “五星”支部创建数据看板")
ui.remember_filters(ui.sidebar_filters(dataset))
current.run()
