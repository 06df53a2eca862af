from __future__ import annotations

from qatfix.registry.builder.config_links import config_path_from_link
from qatfix.registry.builder.markdown_tables import iter_table_rows, split_cells

README = """\
# Zoo

| Model | Download | Config |
| :---- | :-: | --- |
| A | [model](https://x/a.pdparams) &#124; [log](https://x/a.log) | [config](./a.yml) |
| B \\| C | [model](https://x/b.pdparams) | - |

```
| not | a | table |
| --- | --- | --- |
| [model](https://x/code.pdparams) | x | y |
```

Model | Download
--- | ---
D | [download](https://x/d.pdparams)

text | with a pipe but no delimiter
"""


def test_rows_links_and_line_numbers() -> None:
    rows = list(iter_table_rows(README))
    assert [r.line for r in rows] == [5, 6, 16]
    first = rows[0]
    assert [(c.header, l.text, l.target) for c, l in first.links] == [
        ("Download", "model", "https://x/a.pdparams"), ("Download", "log", "https://x/a.log"),
        ("Config", "config", "./a.yml")]
    assert rows[1].cells[0].text == "B \\| C"
    assert rows[2].links[0][1].target == "https://x/d.pdparams"


def test_split_cells_without_outer_pipes() -> None:
    assert split_cells("a | b|c ") == ["a", "b", "c"]
    assert split_cells("| a | b |") == ["a", "b"]


def test_config_links_become_root_relative() -> None:
    readme = "configs/slim/distill/README.md"
    assert config_path_from_link("../../yolov3/y.yml", readme) == "configs/yolov3/y.yml"
    assert config_path_from_link(
        "https://github.com/PaddlePaddle/PaddleDetection/tree/release/2.3/configs/ppyolo/p.yml", readme) == \
        "configs/ppyolo/p.yml"
    assert config_path_from_link("https://github.com/PaddlePaddle/PaddleDetection/blob/develop/configs/a.yml#L3",
                                 readme) == "configs/a.yml"
    assert config_path_from_link("../../../tools/x.yml", readme) is None
    assert config_path_from_link("https://example.com/x.yml", readme) is None
    assert config_path_from_link("./README.md", readme) is None
