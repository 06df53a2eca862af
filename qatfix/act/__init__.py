"""PaddleSlim auto-compression (ACT) runs of PaddleDetection models: the ACT config, the ppdet
reader config it is run with, and the exported model it compresses.

`deploy/auto_compression/run_det.py --config READER --act_config_path ACT` (develop) and
`run.py --config_path ACT` (release-2.6, reader from `Global.reader_config`) run from
`deploy/auto_compression`; PaddleSlim reads the ACT config with `yaml.load` and builds one
strategy object per known top-level section (`paddleslim/auto_compression/config_helpers.py`).
"""
