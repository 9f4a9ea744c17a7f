"""登录: name and password; repeated failures pause this client's logins (see wuxing.access.throttle)."""

import streamlit as st

from wuxing import ui
from wuxing.access import auth
from wuxing.errors import AuthError

if ui.current_account() is not None:  # just signed in (or an old bookmark): to the start page
    st.switch_page("pages/overview.py")

st.title("登录")
if ui.settings().public_view:
    st.caption("无需登录即可浏览看板；上传数据、撤销版本和管理账号需要登录。")
else:
    st.caption("请使用管理员为您创建的账号登录。")

with st.form("login", enter_to_submit=True):
    name = st.text_input("用户名", max_chars=50, autocomplete="username")
    password = st.text_input("密码", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("登录", type="primary", icon=":material/login:")

if submitted:
    try:
        account = auth.login(ui.get_store(), name, password, client=ui.client_address())
    except AuthError as exc:
        st.error(ui.plain(str(exc)), icon=":material/error:")
    else:
        ui.sign_in(account)
        st.rerun()

# No command lines here: every visitor sees this page; making the first admin is in README.
st.caption("忘记密码或没有账号，请联系管理员。")
