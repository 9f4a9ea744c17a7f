"""Entry point: page config, the page registry for this session, and the shared sidebar."""

from pathlib import Path

import streamlit as st

from wuxing import ui
from wuxing.charts import style
from wuxing.ui import navigation

# The tab icon is a file of ours: a :material/…: page icon is fetched from fonts.gstatic.com, and
# the intranet has no internet (the sidebar's :material/…: icons come from the bundled font).
ICON = Path(__file__).resolve().parent / "assets" / "star.png"
st.set_page_config(page_title="五星支部创建数据看板", page_icon=str(ICON), layout="wide")

# A database that cannot be used (down, wrong password …) is explained, not a traceback.
with ui.database_problems_explained():
    # Pages a role may not use are never registered, so their URLs show nothing of them.
    account = ui.current_account()
    role = account.role if account else ("viewer" if ui.settings().public_view else None)
    specs = navigation.pages_for(role, signed_in=account is not None)
    groups: dict[str, list] = {}
    for spec in specs:
        page = st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                       default=spec.default)  # fmt: skip
        groups.setdefault(spec.group, []).append(page)
    current = st.navigation(groups)

    st.sidebar.markdown("### “五星”支部创建数据看板")
    st.sidebar.html(style.PHONE_CSS + style.PRINT_CSS)  # fixed style strings, never user text
    if role is not None:  # before login (and without public view) not even the area names show
        ui.remember_filters(ui.sidebar_filters(ui.load_dataset()))
    ui.account_sidebar(account)
    current.run()
