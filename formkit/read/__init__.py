"""Reading returned inputs, one stage a module:

:mod:`.sniff` (what is it) → :mod:`.open` (a PDF opened safely; every limit in :mod:`.limits`)
→ :mod:`.triage` (AcroForm, text layer, image or no form, per page) → readers (:mod:`.acroform`,
:mod:`.textlayer`, and the scan recogniser :mod:`formkit.scan` for images) → :mod:`.dispatch`,
which composes them: per page a ``PageReading`` or a typed ``NotAForm``.
"""
