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
    # Every page is registered (so no URL of ours gets Streamlit's English "Page not found"); the
    # menu lists the ones this visitor may open, and any other answers in Chinese (log in, or not
    # for this account) instead of running.
    account = ui.current_account()
    signed_in = account is not None
    role = account.role if account else ("viewer" if ui.settings().public_view else None)
    groups: dict[str, list] = {}
    home = navigation.page_at("")
    # The default page lives at "/"; its own name (/overview, in old links) leads there too.
    groups["看板"] = [
        st.Page(
            lambda: st.switch_page(home.path),
            title=home.title,
            url_path=home.url_path,
            visibility="hidden",
        )
    ]
    for spec in navigation.PAGES:
        shown = navigation.may_open(spec, role, signed_in=signed_in)
        page = st.Page(
            spec.path,
            title=spec.title,
            icon=spec.icon,
            url_path=navigation.START if spec.default else spec.url_path,
            default=spec.default,
            visibility="visible" if shown else "hidden",
        )
        groups.setdefault(spec.group, []).append(page)
    current = st.navigation(groups)
    wanted = navigation.page_at(current.url_path)

    st.sidebar.markdown("### “五星”支部创建数据看板")
    # Fixed style strings, never user text.
    st.sidebar.html(
        style.CARD_CSS + style.INPUT_CSS + style.CHROME_CSS + style.PHONE_CSS + style.PRINT_CSS
    )
    if role is not None:  # before login (and without public view) not even the area names show
        ui.remember_filters(ui.sidebar_filters(ui.load_dataset()))
    ui.account_sidebar(account)
    if account is not None and account.must_change:
        ui.require_new_password(account)
    if wanted.role == navigation.GUEST and signed_in:
        st.switch_page(navigation.page_at("").path)  # the login page, already signed in
    if not navigation.may_open(wanted, role, signed_in=signed_in):
        ui.refuse_page(account, current.url_path)
    current.run()
