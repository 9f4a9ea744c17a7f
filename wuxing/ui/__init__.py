"""The only streamlit importer: what pages use, gathered under `ui.` (`from wuxing import ui`).

loading   the store and the dataset per data version (Streamlit's cache sits here only)
filters   area, quarter and star in the sidebar and the URL; page choices; clicks
session   the signed-in account (from the session cookie), the answer for a page refused
widgets   the page frame, charts with their data, tables, downloads, empty states
text      user-supplied text shown literally (`plain`)
web       the server around dashboard.py (app.py): headers, upload limit, routes
(and, imported by their pages: corrections, reports, navigation, account_import, slideshow)
"""

from wuxing.ui.filters import (
    ALL_STARS,
    INVALID_LINK,
    Filters,
    current_filters,
    drill_into,
    drill_on_click,
    drop_stale_choice,
    open_picked_pair,
    open_profile,
    picker,
    remember_filters,
    selected_points,
    selected_rows,
    show_quarter,
    sidebar_filters,
    sync_url,
    url_choice,
    village_picker,
)
from wuxing.ui.loading import (
    database_problems_explained,
    get_store,
    load_dataset,
    parse_upload,
    refresh_after_write,
    settings,
    upload_touches,
    village_uploads,
)
from wuxing.ui.session import (
    NOT_ALLOWED,
    NOT_SIGNED_IN,
    account_sidebar,
    client_address,
    current_account,
    refuse_page,
    require_new_password,
    require_page_role,
)
from wuxing.ui.text import plain
from wuxing.ui.widgets import (
    NO_DATA,
    PageView,
    chart,
    empty_state,
    excel_download,
    file_chooser,
    open_page,
    own_area,
    sample_banner,
    show_table,
    template_download,
)

__all__ = [
    "ALL_STARS",
    "INVALID_LINK",
    "NO_DATA",
    "Filters",
    "PageView",
    "account_sidebar",
    "chart",
    "client_address",
    "current_account",
    "current_filters",
    "database_problems_explained",
    "drill_into",
    "drill_on_click",
    "drop_stale_choice",
    "empty_state",
    "excel_download",
    "file_chooser",
    "get_store",
    "load_dataset",
    "open_page",
    "open_picked_pair",
    "open_profile",
    "own_area",
    "parse_upload",
    "picker",
    "plain",
    "refresh_after_write",
    "remember_filters",
    "require_page_role",
    "sample_banner",
    "selected_points",
    "selected_rows",
    "settings",
    "show_quarter",
    "show_table",
    "sidebar_filters",
    "sync_url",
    "template_download",
    "upload_touches",
    "url_choice",
    "village_picker",
    "village_uploads",
    "NOT_ALLOWED",
    "NOT_SIGNED_IN",
    "refuse_page",
    "require_new_password",
]
