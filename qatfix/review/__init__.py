"""The pull-request bot: post findings on a GitHub pull request as one-click suggested changes.

Flow: `runner` hands the files a pull request changes to the runs `qatfix check` plans and
collects (`qatfix.run.plan`, `qatfix.run.collect`: static checks only, nothing read outside the
checkout, since the content is untrusted), `suggestion` turns safe fixes inside the diff into
suggested changes, `dedupe` drops what an earlier run already posted, `payload` builds the one
review, `github_api` posts it, and `step_summary` renders the same report for stdout and the job summary.
"""
