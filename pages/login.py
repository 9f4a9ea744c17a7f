"""登录: the form posts to /auth/login (wuxing/ui/web.py), which sets the session cookie; repeated
failures pause this client's logins (see wuxing.access.throttle)."""

import streamlit as st

from wuxing import ui
from wuxing.ui import web

st.title("登录")
if ui.settings().public_view:
    st.caption("无需登录即可浏览看板；上传数据、撤销版本和管理账号需要登录。")
else:
    st.caption("请使用管理员为您创建的账号登录。")

st.html(web.login_form_html("/"))  # a fixed form of ours: it posts to /auth/login

# No command lines here: every visitor sees this page; making the first admin is in README.
st.caption("忘记密码或没有账号，请联系管理员。")
