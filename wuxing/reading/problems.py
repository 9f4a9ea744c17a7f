"""Every problem code an import can report, in one place, and the helper that builds a Problem."""

from __future__ import annotations

from wuxing.errors import Problem, Severity

#: code → (severity, what it means). Tests, pages and the CLI refer to these codes.
CODES: dict[str, tuple[Severity, str]] = {
    # the file as a whole
    "file_empty": ("error", "文件为空或没有任何数据"),
    "file_too_large": ("error", "文件超过上传大小上限"),
    "file_not_spreadsheet": ("error", "不是电子表格文件"),
    "file_corrupt": ("error", "文件损坏或不完整"),
    "file_encrypted": ("error", "文件设有打开密码"),
    "file_zip_bomb": ("error", "文件解压后过大（疑似压缩炸弹）"),
    "file_too_many_cells": ("error", "表格的行数×列数超过上限（常因远处有误输入的单元格）"),
    "file_too_complex": ("error", "文件读取超时，疑似异常文件"),
    "file_web_page": ("error", "网页文件被存成了表格扩展名"),
    "no_data": ("error", "文件中没有可识别的数据表"),
    # sheets and headers
    "sheet_unrecognised": ("warning", "工作表无法识别，已跳过"),
    "header_missing": ("error", "找不到表头或缺少必需的列"),
    "header_unknown": ("error", "表头无法识别，该列数据无法导入"),
    "header_duplicate": ("error", "同一指标出现在两列"),
    "unit_unknown": ("error", "表头或单元格中的单位无法换算"),
    "formula_no_value": ("error", "公式没有保存计算结果"),
    # villages and periods
    "village_missing": ("error", "缺少村名"),
    "village_unknown": ("error", "村名不在范围内"),
    "village_ambiguous": ("error", "村名重名，无法确定是哪个村"),
    "town_unknown": ("error", "乡镇名不在范围内"),
    "period_missing": ("error", "找不到季度"),
    "period_invalid": ("error", "季度或年度写法错误或不存在"),
    # values
    "not_a_number": ("error", "应为数字却是文字"),
    "negative_value": ("error", "数量不能为负数"),
    "rate_over_100": ("error", "比率超过 100%"),
    "value_invalid": ("error", "取值不在允许范围内"),
    "indicator_unknown": ("error", "指标名称无法识别"),
    "star_unknown": ("error", "星级名称无法识别"),
    "duplicate_conflict": ("error", "同一项数据重复出现且数值不一致"),
    # warnings that do not block
    "total_mismatch": ("warning", "合计行与各村之和不一致"),
    "jump_suspect": ("warning", "与上季度相比跳变超过 5 倍，疑似元/万元混用"),
    "cumulative_fall": ("warning", "累计数比上季度减少"),
    "branch_without_others": ("warning", "评定了支部过硬星，但其他四星未全部评定"),
    # cells read as something other than what they say literally: shown so a clerk can check
    # (recorded only where the text differs from the form stored, so clean files carry none)
    "read_as_unit": ("warning", "单元格带单位，已换算"),
    "read_as_header_unit": ("warning", "表头单位与标准单位不同，整列已换算"),
    "read_as_name": ("warning", "村名写法不同，已对应到系统中的村"),
    "read_as_quarter": ("warning", "季度写法不同，已按标准季度读取"),
}

#: The codes of cells the importer reinterpreted (reminders to check, never errors).
READ_AS: frozenset[str] = frozenset(c for c in CODES if c.startswith("read_as_"))


def description(code: str) -> str:
    """What a problem code means, in Chinese (the code itself if undeclared)."""
    return CODES[code][1] if code in CODES else code


def problem(code: str, message: str, **where: object) -> Problem:
    """A Problem with the severity its code carries (KeyError for an undeclared code)."""
    severity = CODES[code][0]
    return Problem(code=code, message=message, severity=severity, **where)  # type: ignore[arg-type]
