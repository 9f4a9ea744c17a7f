"""What the server runs: `streamlit run app.py` (or `uvicorn app:app`). It serves dashboard.py,
the app's entry script, with the parts of wuxing/ui/web.py (security headers, upload limit from
WUXING_MAX_UPLOAD_MB, our own routes). Tests run dashboard.py itself with AppTest."""

import streamlit as st

from wuxing.ui import web

app = st.App("dashboard.py", routes=web.ROUTES, middleware=web.MIDDLEWARE, lifespan=web.lifespan)
