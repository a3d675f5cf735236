"""Every constant the scan recogniser decides with, and how each was chosen.

One module, as SDAPS keeps its definitions: tuning means editing this file and re-running
``python -m bench scan`` (which prints the figures each constant moves). Lengths are in
layout millimetres unless the name says otherwise.
"""

from __future__ import annotations

# --- input -----------------------------------------------------------------------------------

# Largest raster accepted (pixels per frame). A4 at 600 dpi is 35 Mpx; 60 Mpx leaves room for
# 600-dpi letter/legal scans and stops decompression bombs (a 1 kB G4 TIFF can claim 10^10 px).
MAX_PIXELS = 60_000_000
# Scans without a resolution tag: assume the page is A4 wide (fax gateways and phone photos
# often drop the tag); the registration measures the true scale from the marks anyway.
ASSUMED_PAGE_WIDTH_MM = 210.0
# A resolution tag is believed only within this range per axis and this x:y ratio (a normal-mode
# fax is 204x98, 2.08); outside it the tag is damaged (a fuzzed fax claimed 204 x 15,335,620 dpi
# and the stretch to square pixels asked for terabytes) and the A4 estimate above is used.
TAGGED_DPI_RANGE = (36.0, 2400.0)
TAGGED_DPI_MAX_RATIO = 2.5
# Image-only PDF pages without an extractable image are rasterised at this resolution:
# 200 dpi keeps 10 pt text at ~20 px x-height for Tesseract and costs ~0.1 s with pdftoppm.
PDF_RASTER_DPI = 200
# Below this a page is not rendered at all (refused as too large) rather than fitted into
# MAX_PIXELS: at 100 dpi the 6 pt small print is ~4 px high and the 25 mm QR ~3 px a module,
# nothing could be read; A0 at 200 dpi (about 62 Mpx) still renders, at 196 dpi.
MIN_RASTER_DPI = 100

# --- registration ----------------------------------------------------------------------------

# Resolution of the registered page (pixels per mm). 8 px/mm = 203 dpi, the fax's own
# resolution: fine-mode faxes map almost 1:1, scans are reduced (OCR accuracy on the corpus was
# the same as at 10 px/mm and the six zones OCR ~30 % faster).
REG_PX_PER_MM = 8.0
# A mark candidate: a solid dark blob whose bounding box is square within this ratio and whose
# fill (ink / bounding box) is at least MARK_MIN_FILL (a square rotated 5° fills 85 %; perspective
# in photos and fax noise take a few % more).
MARK_MAX_ASPECT = 1.45
MARK_MIN_FILL = 0.72
# Accepted mark size relative to the layout's (scale 90-105 % plus fax bleeding and JPEG blur).
MARK_SIZE_TOLERANCE = (0.70, 1.35)
# How far (mm) a found mark may be from where the QR predicts it. Extrapolating from a 25 mm QR
# with a 1 px corner error gives <= 2 mm at the far marks; 12 mm still excludes the filled tick
# boxes (the nearest solid squares of mark size, >= 40 mm away from any mark).
MARK_SEARCH_RADIUS_MM = 12.0
# Marks not found there are looked for again from the marks found and the QR (formkit.scan.register
# ._far_marks): a phone photo's perspective put the bottom marks 15-18 mm from the affine prediction
# (bench.heldout_fonts). Within this radius each mark-sized solid square is tried; one is taken
# only when all four marks and the QR's corners fit one homography within the residual below
# (the true marks 0.06-0.15 mm; a square 10 mm off the true place >= 0.54 mm).
MARK_WIDE_SEARCH_MM = 35.0
WIDE_MARK_MAX_RESIDUAL_MM = 0.3
# Mean residual (mm) of the homography fit through the 4 marks and 4 QR corners. Clean faxes and
# scans fit to 0.1-0.3 mm; phone photos with lens distortion 0.3-0.8 mm; a field zone tolerates
# ~1 mm (the zones carry a 1 mm margin), so above this the page goes to review.
FIT_REVIEW_MM = 1.0
# Above this the registration is not trusted at all: the page is reported, not read.
FIT_REJECT_MM = 4.0
# One mark cut off by the page edge (a skewed, shifted fax) leaves three marks and the QR's four
# corners: seven points (14 equations) for the homography's 8 unknowns, so the residuals still test it. Such a
# page is trusted when no point is off by more than this (the bench's cut-off pages: 0.02-0.11 mm
# mean); a mark missing inside the page stays a problem.
EDGE_MARK_MAX_RESIDUAL_MM = 0.5

# --- QR --------------------------------------------------------------------------------------

# Median filter sizes (px) for further decoding attempts on noisy faxes, in turn until one decodes
# (PITFALLS: 3x3 restores decoding under salt-and-pepper noise; it blurs 204-dpi strokes, so only a
# copy is filtered). 5x5 decoded a fine fax with heavy noise stretched to square pixels where 3x3,
# a blur or a reduction did not (bench corpus, leer-fine-012); it costs only on pages without a code.
QR_MEDIANS = (3, 5)
# The QR is decoded from a copy no wider than this (px): zxing is linear in pixels, the 28 mm
# code still has >= 5 px per module at this width (A4 at ~300 dpi).
QR_MAX_WIDTH_PX = 2600
# Where the loaded forms put their QR code, grown by this much (mm) for a page shifted or skewed
# by the fax or scanner, is decoded first (formkit.scan.qr.find_qr): 10 -> 1 ms on a fine fax,
# the whole page is searched when the code is not there (rotated, another layout). Windows start
# on multiples of QR_WINDOW_ALIGN_PX: zxing's 8-px binarizer blocks and its every-3rd-row scan
# then see the same pixels as on the whole page (same corners on all 124 pages of the bench
# corpus where the window held the code; windows shifted by 5 and 7 px moved a corner by a pixel
# on 10 of 122).
QR_HINT_MARGIN_MM = 20.0
# A sheet registered by its QR code that covers less than this share of the image (a copier's
# "2 auf 1" puts two sheets at 70 % on one page: ~0.5 each; a sheet scanned on an A3 glass ~0.5) has
# the whole image searched for more of our codes (~10 ms); two or more: a person records them all.
# A whole sheet on its page covers 0.9-1.0 (fax, scan, phone photo framed on the sheet).
OTHER_SHEET_SHARE = 0.6
QR_WINDOW_ALIGN_PX = 24

# --- binarisation ----------------------------------------------------------------------------

# Grey scans and photos are flattened (divided by a background estimate from a closing with a
# kernel this large, larger than any mark) and thresholded at INK_LEVEL of the background.
BACKGROUND_KERNEL_MM = 12.0
INK_LEVEL = 0.62  # ink below 62 % of local paper brightness: keeps light print, drops shadows/JPEG halo

# --- tick boxes ------------------------------------------------------------------------------

# The inner area measured: the box inset by this much (mm) on each side. The printed border is
# 1.2 pt (0.42 mm) wide; 1.2 mm also absorbs ~0.5 mm registration error and strokes that only
# touch the edge from outside (they reach <= 0.6 mm into the box in the corpus).
TICK_INSET_MM = 1.2
# Ink ratio in the inner area. Empty boxes score 0.00-0.02 (fax noise up to 0.03); a thin
# hand-drawn check mark scores >= 0.09, the PDF cross ~0.25, filled ~0.9. Between: uncertain.
TICK_EMPTY_BELOW = 0.04
TICK_TICKED_ABOVE = 0.08

# --- OCR -------------------------------------------------------------------------------------

# Printed box lines are removed with openings by lines this long (mm): the horizontal field
# borders are >= 50 mm, the vertical ones 13 mm; letters are < 5 mm tall (handwriting < 8 mm),
# so 9 mm vertical / 12 mm horizontal keep every letter stroke.
LINE_KERNEL_H_MM = 12.0
LINE_KERNEL_V_MM = 9.0
# A band of such long runs in a text zone is one of the form's own lines (formkit.render.ruling)
# when its middle lies within this distance (mm) of one; any other is a writer's stroke through the
# value (formkit.scan.ocr.zone_ink: kept for the comparison with the print, the field to a person).
# Chosen from the bands of the bench corpus (seed 2018, every text zone of the 160 sheets, 3,714
# bands): 98 % lie within 0.2 mm of a printed border, the farthest on a trusted registration 0.75 mm
# (text in Times 12 touching the border widens its band); only a phone photo (registration not
# trusted, where no stroke is looked for) lay farther, up to 4 mm. A line through a value's middle
# lies >= 2.5 mm from the box's border.
FORM_LINE_TOLERANCE_MM = 1.0
# A writer's stroke counts when at least this much of it (mm of run pixels) lies inside the box:
# one row of the shortest run the line removal takes for a line (a vertical one across a box).
STROKE_MIN_MM = LINE_KERNEL_V_MM
# White padding (px) around a zone crop before OCR: Tesseract needs a margin to find the line.
OCR_PAD_PX = 12
# A zone with less ink than this ratio (after line removal) is empty; no OCR is run.
FIELD_EMPTY_INK = 0.004
# ... unless its clean ink (word-sized groups only) covers at least this many mm² all the same: a
# phone number typed in Courier 9 pt through a light fax is thin and small, 6 mm² of ink in a box
# of 130 x 15 mm (ratio 0.003), and was taken for empty (bench corpus, PyMuPDF packets).
FIELD_EMPTY_INK_MM2 = 1.5
# Field confidence = the weakest word's Tesseract confidence / 100 (capped by the weakest
# character, plausibility, snapping, registration; raised to LIST_AGREEMENT_CONFIDENCE when the
# value is word for word the list's entry of the person in the QR; VERIFIED_CONFIDENCE for a
# printed value verified untouched). Values at or above OCR_OK are taken without review.
# Chosen on the bench corpus (python -m bench scan, seed 2018, typed faxes and scans, half of the
# returners strangers): fields stated >= 0.95 were right in 99.7 % (3 wrong of ~330, two of
# them fixed since), fields at 0.90-0.95 in 96.5 %; OCR_OK 0.90 let 1.1 % of confident values be
# wrong, 0.95 about 0.3 %. The price: strangers' fine faxes 44 -> 76 % of text fields to review
# (list members 9 -> 12 %, their values agree with the list).
OCR_OK = 0.95
# Confidence given to a field that is clearly empty (no ink in the zone).
EMPTY_FIELD_CONFIDENCE = 0.95

# --- page classification ---------------------------------------------------------------------

# A page with less ink than this is blank (fax noise alone stays under 0.2 %).
BLANK_INK = 0.003

# --- outputs ---------------------------------------------------------------------------------

# The registered page kept in PageReading.image, pixels per mm (4 = ~100 dpi, ~60 kB PNG).
PREVIEW_PX_PER_MM = 4.0

# A page with more ink than this is a fax transmission error or a scan far too dark to read.
DARK_PAGE_INK = 0.55
# A value that fails its field's syntax check (e-mail, phone, date, name) is capped at this
# confidence: it goes to review however sure Tesseract was about its letters.
IMPLAUSIBLE_CONFIDENCE = 0.4
# A dotless 'ı' in Tesseract's reading is taken for an i and the value capped here, as a letter
# beyond Latin-1 was before (the sheet's values are Latin-1). Bench seeds 2018 / 2022: 1 / 7 values
# read with one; 3 of them were then exactly right ('Henrike', 'Volkssolidarität'), the others
# were an r or n ('Landıatsamt', 'Bjöına', 'Kıröfel') and stay wrong or are snapped, in review.
DOTLESS_CONFIDENCE = IMPLAUSIBLE_CONFIDENCE
# Registered zones are cut with this margin (mm) around the printed box, so the whole border
# line lies inside the crop and the line removal sees it (the fit is good to ~0.3 mm).
ZONE_MARGIN_MM = 1.0
# Noise removal in text zones: ink is grouped by a dilation of WORD_GAP_MM (letters of a word and
# their dots merge; the gap between letters at 10 pt is < 0.5 mm), and a group with less ink
# than MIN_WORD_INK_MM2 is dropped. One letter "i" at 10 pt holds ~0.5 mm² of ink, a fax speck
# 0.02-0.06 mm², a streak stub ~0.1 mm².
WORD_GAP_MM = 1.0
MIN_WORD_INK_MM2 = 0.15
# Confidence cap for every value of a page whose registration fit is poor: all go to review.
UNTRUSTED_CONFIDENCE = 0.3
# Text zones are registered at this resolution (px/mm) for Tesseract.
OCR_PX_PER_MM = 8.0
# A registered fax pixel (bilinear mix of black and white) counts as ink below this share of white.
FAX_INK_LEVEL = 0.5
# Registering from the marks alone (QR unreadable): the QR's square must hold ink (about half
# its area; an empty corner means the page is upside down) and the printed field borders must
# be where the layout says (>= 70 % of sampled border points inked; other layouts score < 0.3).
MARKS_ONLY_QR_INK = 0.15
MARKS_ONLY_BORDER_INK = 0.7
# Three marks without a QR code: their distances may differ from the layout's at the file's
# resolution by this share (fax drivers scale by 1-3 %; a stretched normal-mode fax by less).
THREE_MARKS_SCALE = 0.06
# Text is read only inside the printed box inset by this (mm): the 0.28 mm border plus the
# registration error (<= 0.3 mm on the corpus); typed text starts 1.25 mm inside the box.
BOX_INNER_INSET_MM = 0.5
# Fax line errors: horizontal runs at least this long (mm) and at most 2 rows thick are erased
# before reading (the longest printed horizontal ink that thin is a letter's bar, < 5 mm).
STREAK_MIN_MM = 25.0
# ... and reach within this many mm of the page image's left or right side: a line error runs on
# to the end of its row (every streak of the bench corpus does), a pen's stroke through a value
# ends inside the page. 1 mm: the fax driver's and the corpus's edges are exact; more would take a
# writer's line that ends near the edge for an error, which no field lies near.
STREAK_EDGE_MM = 1.0
# A leading or trailing "word" of punctuation only ("|", ".", "_") below this Tesseract word
# confidence is a speck, not text: on the corpus such words scored 20-45, real ones >= 80.
JUNK_WORD_CONF = 70.0
# Single blobs smaller than this (mm²) are fax specks even next to a letter: a speck is one
# 204-dpi pixel (0.015 mm²). Larger values (0.035, 0.06, 0.09) lost thin dots and strokes of
# lighter faxes: exact name+institution on 30 fine faxes fell from 27 to 24, 23, 12.
SPECK_MM2 = 0.02
# Gaussian sigma (source px) applied to a fax before its text zones are resampled into layout
# space: soft edges survive the rotation back better than hard 0/1 steps (0 = off).
FAX_SMOOTH_PX = 0.0
# A text field read as empty is only "certainly empty" when its inner area also has no faint
# ink (darker than 85 % of paper): the bench's handwriting had pale hollow digits that the ink
# threshold dropped and that were reported empty with confidence 0.95.
FAINT_INK_LEVEL = 0.85


# --- text layer of flattened PDFs (formkit.read.textlayer) -------------------------------------------
# A word belongs to a field when its centre lies in the box grown by this (mm): half a line of
# slack for viewers that print values a little off the widget, less than the 4 mm between boxes.
TEXTLAYER_ZONE_MARGIN_MM = 0.8
# Share of a check box's side ignored at each edge: the printed border is drawn there.
TEXTLAYER_TICK_INSET = 0.15
# Exact characters, but assigned to a field by position only: just under an AcroForm value (1.0),
# above OCR_OK.
TEXTLAYER_CONFIDENCE = 0.97
# A value with a glyph the PDF does not map to a character (a subset font without /ToUnicode, as
# Ghostscript's PDF/A re-save leaves it: 'Pößneck' comes out as 'P\\x02\\x03neck'): the text is not
# the value; far below OCR_OK, so a person reads it from the crop.
TEXTLAYER_UNMAPPED_CONFIDENCE = 0.2
# A stroke or glyph inside the box zone is a tick drawn by a program, not a person.
TEXTLAYER_TICK_CONFIDENCE = 0.95
# How far (mm, layout space) the FK1 footer of a flattened sheet may sit from ``footer_at`` before
# the text layer is distrusted (a sheet fitted onto other paper is off by several mm).
TEXTLAYER_FOOTER_TOLERANCE_MM = 2.0
# An image-only PDF page's image is taken as it is when the resolution derived from image and page
# size has square pixels or is a normal-mode fax's, each within this share: fine fax 204x196 is 4 %
# off square, a 1728-pixel fax line on A4 paper 3 % off 204x98. Else the page is rendered.
EMBEDDED_DPI_RATIO_TOLERANCE = 0.06
FAX_NORMAL_DPI = (204.0, 98.0)

# --- prefilled values verified by ink comparison (formkit.scan.verify) ---------------------------
# A printed line is searched this far (mm) around where the print copy draws it. The e-mail PDF's
# own appearance draws it at the same place (formkit.render.fieldap); viewers that regenerate an
# appearance move it: MuPDF and poppler 0.25 mm right, a second address line 1 mm lower, an e-mail
# PDF made before the fieldap change (single lines at the top of the box) 3.6 mm higher.
VERIFY_SHIFT_X_MM = 3.0
VERIFY_SHIFT_Y_MM = 5.0
# Ink within this distance (mm) of a printed letter is that letter (fax bleeding, resampling).
VERIFY_TOLERANCE_MM = 0.35
# Unexplained ink is counted in groups of at least this area (mm²); more than VERIFY_EXTRA_MM2
# of it makes the field "changed".
VERIFY_EXTRA_BLOB_MM2 = 0.08
VERIFY_EXTRA_MM2 = 0.4
# ... and a group thinner than this on average (area below this many pixels times its longer side)
# is a seam beside a printed letter, not added ink: untouched packets faxed in fine and normal mode
# came back „changed“ from 1-pixel seams of 9-20 px along stems (bench.heldout, H002 and H011);
# a pen stroke (0.3-0.5 mm) is 2-4 px thick at OCR_PX_PER_MM.
VERIFY_SEAM_THICK_PX = 1.5
# "Untouched" needs every printed line found (cosine similarity of the blurred ink: 0.82-0.95 for
# untouched fields of print copies and e-mail PDFs on faxes) and at most this share of the printed
# ink missing on the page.
VERIFY_MIN_MATCH = 0.7
VERIFY_MAX_MISSING = 0.15
# ... and no connected part of the printed ink (a letter, an umlaut's dot) more than this share lost.
VERIFY_PART_LOST = 0.5
# The channel model (formkit.scan.verify._expected): a page whose inked rows come in runs of equal
# rows, with at most this share of single rows, was sent in coarser rows (a normal-mode fax
# stretched 98 -> 204 dpi: 0 % single on 25 bench pages; fine faxes: 87-98 % on 25 bench pages).
VERIFY_CHANNEL_SINGLE_ROWS = 0.05
# A bilevel page whose registration scale is off its stated resolution by more than this share, or
# that is turned by more than VERIFY_CHANNEL_TURNED_DEG, counts as resampled after it was sampled
# (fax software scaling a 1728-px line to A4, the bench's rotated and scaled faxes: each row taken
# from the nearest one, a single row can drop out). A paper turned in a fax machine's feeder is
# sampled once; it is counted as resampled all the same, which only forgives more thin strokes.
VERIFY_CHANNEL_RESCALED = 0.01
VERIFY_CHANNEL_TURNED_DEG = 0.2
# The page's weight (the share of a source pixel the print must cover to come out as ink) is
# measured per zone among these; the demanded ink is what the model keeps at the measured weight
# plus VERIFY_CHANNEL_MARGIN (the estimate's spread between fields of one page), never lighter than
# VERIFY_CHANNEL_LIGHTEST (paler than that a stem itself breaks up: the page is no evidence).
VERIFY_CHANNEL_THETAS = tuple(round(0.2 + 0.05 * i, 2) for i in range(13))
VERIFY_CHANNEL_MARGIN = 0.1
VERIFY_CHANNEL_LIGHTEST = 0.8
# With the channel, a glyph part counts as lost when more than this share of the ink the model
# keeps at every phase is not on the page (found only by ink nearer to that part than to any
# other): the model says all of it survives. Parts present on light, turned normal-mode test faxes
# lost up to 14 %, the 'r' of 'Leiter' covered before faxing 36 % (its neighbour's ink bleeding
# within the tolerance). VERIFY_PART_LOST (0.5) stays for all printed ink.
VERIFY_CHANNEL_PART_LOST = 0.25
# Sampled ink thinner than this (zone pixels) may vanish when registration resamples the page
# bilinearly and thresholds at FAX_INK_LEVEL: one fine-fax row (1.04 zone px) at half a pixel's
# phase becomes two rows at 50 % (the hyphen of 'landkreis-greiz' on a light fine fax); two rows,
# or one normal-mode row (2.07 px), always leave a row.
VERIFY_CHANNEL_RESAMPLED_PX = 1.5
# An umlaut's dots (an accent) count as on the page when the ink near them that no bare letter
# explains is at least this share of their printed area (see verify._marks_gone). Measured: dots
# printed and faxed 0.24-2.2 (bench seed 2018 packets: fine >= 0.24, normal >= 0.88, scans >= 1.0;
# tests' light/driver/dark, fine/normal, turned or not >= 0.41); dots covered with paper-white
# before faxing ('Köhler' printed as 'Kohler') 0.0-0.12. Midway.
VERIFY_MARK_INK = 0.18
# When the print copy's rendering does not explain a prefilled zone, the printed value is drawn
# again as another program re-draws a field (formkit.scan.verify._redrawn_styles): in each of these
# base fonts, at the size whose widest line is as wide as the ink, within VERIFY_REDRAWN_SIZES pt (a
# program's auto size 0 fills the box: 20-30 pt in a 13 mm box). Tried: the nearest half point when
# within VERIFY_REDRAWN_NOMINAL of it (fillers offer whole and half sizes), the size itself and one
# VERIFY_REDRAWN_STEP either side: on faxes the ink's width was 0.5-1 % off the size's (pdftk's
# Helvetica 12 fitted at 12.1, estimated 11.9). A font whose lines would be more than
# VERIFY_REDRAWN_HEIGHT higher or lower than the ink is not tried: the ink holds other text. Lines
# are VERIFY_REDRAWN_LEADING sizes apart, each searched this far (mm) around the place the ink's
# extent gives it. The same rules as above decide.
VERIFY_REDRAWN_FAMILIES = ("Helvetica", "Times", "Courier")
VERIFY_REDRAWN_NOMINAL = 0.03
VERIFY_REDRAWN_STEP = 0.008
VERIFY_REDRAWN_HEIGHT = 0.2
VERIFY_REDRAWN_SIZES = (5.0, 40.0)
VERIFY_REDRAWN_LEADING = 1.16
VERIFY_REDRAWN_SHIFT_MM = 1.5
# A font whose likeliest rendering matched this much worse (cosine similarity) than the best font's
# is not tried at its other sizes: Helvetica 8 on Times 9 ink matched 0.72 against Times' 0.86.
VERIFY_REDRAWN_FONT_MARGIN = 0.1
# Other fonts are not tried when OCR read the zone as a text less similar than this to the printed
# value (normalised Levenshtein similarity): another person's data typed over a forwarded packet
# (bench corpus: 0.05-0.6) or a value retyped. OCR's misreads of re-drawn values on light faxes stayed above
# 0.8 ('Voikssolidarıtät Mühlhausen, Gieichskellungspesuftragte'). It saves 10-45 ms a field.
VERIFY_REDRAWN_MIN_SIMILARITY = 0.6
# Confidence of a value verified as untouched: a comparison with the known value, not a reading.
VERIFIED_CONFIDENCE = 0.99
# Cap for a field whose printed value was changed by hand: below every threshold, a person reads it.
CHANGED_CONFIDENCE = 0.3
# Cap for a field with a writer's long straight stroke in its box (a value struck through, perhaps
# rewritten beside it): what OCR reads may be the value the writer crossed out; a person reads it.
STRUCK_CONFIDENCE = CHANGED_CONFIDENCE

# --- a typed reading confirmed by drawing it again (formkit.scan.redraw) ------------------------
# A text field read below OCR_OK where nothing was printed is drawn again (a base font at the size
# the ink's width gives, verify.as_typed); where that explains the ink as untouched (at most
# REDRAW_EXTRA_MM2 unexplained, REDRAW_MAX_MISSING of the drawing missing) and the ink sits at least
# REDRAW_MARGIN of the way from each near rival to the reading (a look-alike character swapped,
# dropped or put in, the zone's other readings: 0.5 is halfway, 1 the reading's drawing exactly;
# rivals whose drawing differs from the reading's by less than REDRAW_MIN_ENERGY_PX blurred pixels
# cannot be told apart and block), the field is stated at REDRAW_CONFIDENCE. On a page with coarser
# rows than REDRAW_FINE_PITCH_MM (a normal-mode fax) nothing is confirmed (see the end of this block).
# Chosen by an offline replay of every typed field below OCR_OK where nothing was printed (bench
# corpus seeds 2018 and 2019, each with 24 more strangers' sheets typed in DejaVu Sans/Serif/Sans
# Condensed, Liberation Sans/Serif/Mono; fine and normal faxes, scans: 297 and 304 fields), right /
# wrong confirmed: margin 0.5: 60/1, 63/0; 0.6: 34/1, 29/0; 0.65: 16/0, 17/0. The wrong one at 0.60
# was 'Kruger' for Krüger on a light fine fax that lost the dots: so names, institutions and
# addresses with a bare a/o/u are never confirmed on a fax (0.6: 28/0, 24/0). Then bench scan
# (the first time on seed 2021): 13 more typed fields stated sure on seed 2018 (0 of 596 sure ones
# wrong), 14 on seed 2021 (0 of 555), mostly phone numbers; readings unchanged. A rival's width
# difference under REDRAW_SPACING_PX (a glyph's place on a fax varies by 1-2 px) leaves the rest
# of the line in place: only the shapes are weighed.
REDRAW_MARGIN = 0.6
REDRAW_EXTRA_MM2 = VERIFY_EXTRA_MM2
REDRAW_MAX_MISSING = VERIFY_MAX_MISSING
REDRAW_MIN_ENERGY_PX = 3.0
REDRAW_FINE_PITCH_MM = 0.2
REDRAW_SPACING_PX = 3.0
# Issue 11, sixth round (overlaid on clean Ghostscript fine faxes, Times/Helvetica 10: each glyph sat
# up to a pixel left, right or a row off the line drawn at the PDF's advances, and a hinted bar
# (the 'e''s) a row off within a glyph; the stroke weight matched: drawn ink 1158 px for 1080 px of
# ink, 1485 for 1449). So each glyph of the reading and each changed glyph of a rival is placed
# where it explains the ink best, REDRAW_GLYPH_REACH_PX either way in quarter pixels and a row up or
# down; the ink is weighed at each blur of REDRAW_EVIDENCE_SIGMAS_PX and the one that tells reading
# and rival apart best counts. A bare a/o/u in a word on a fine fax stands where every dot of the
# value (i, j, umlauts) is found to REDRAW_DOTS_FOUND within a pixel, and no other reading of the
# zone has an umlaut there ('Kruger, Müge': the fax lost the dots of Krüger and kept Müge's; its
# margin 0.59). Replay (right/wrong confirmed at margin 0.6; main in brackets): seed 2018 34/0
# (26/0), 2019 37/0 (21/0), held-out 2021 55/2 (22/1): one new wrong one, '1.kiessling' for
# 't.kiessling' (a 't' the fax cut to its stem, margin 0.607; main 0.45). Blur 1.5 alone: 21/0,
# 28/0, 38/2; placement alone (blur 1): 2018 21/0. Bench scan (same corpora, main in brackets):
# strangers' typed fine faxes to a person 15/28 (19/28) on seed 2018, 17/28 (22/28) on 2021; normal
# unchanged; sure and wrong 0/603 (0/599), 0/564 (0/558); no record ok with a wrong value.
# The two wrong ones of seed 2021 lie where the reader never draws: '1.kiessling' on a forwarded
# packet's printed field; '03612 677077' for 677677 on a normal-mode fax, a wrong digit that beat
# the right one by 0.62 (0.64 before the placement). So nothing is drawn on a normal-mode fax (it
# gave 4 right confirmations of ~55 per seed). Replayed with the reader's gates (fine faxes and
# scans, nothing printed): 11/0, 12/0, 26/0; the surest wrong reading reached 0.54, 0.46 and 0.57 —
# the margin to REDRAW_MARGIN on the held-out seed is thin (main before this round: 0.43-0.49).
REDRAW_GLYPH_REACH_PX = 1.0
REDRAW_DOTS_FOUND = 0.9
REDRAW_EVIDENCE_SIGMAS_PX = (1.0, 1.5)
REDRAW_CONFIDENCE = 0.96
REDRAW_KINDS = ("name", "institution", "address", "phone", "email", "date")
# The drawing is tried only on a page with at most this many unsure text fields, all of them
# redrawable: elsewhere the record goes to a person whatever it finds, and each rival of a field is drawn.
# On seed 2018, 27 of 142 typed pages had one unsure field and 10 had two (dump of bench scan).
REDRAW_MAX_FIELDS = 2

# --- a sure reading doubted by the dictionary (formkit.scan.lexicon) ------------------------------
# A name, institution, address or e-mail read at OCR_OK or above (nothing printed there, or not the
# list's entry) with a word that is no German word while a look-alike of it is ('Eichhom' /
# Eichhorn, 'Kommarkt' / Kornmarkt, 'Fruhe' / Frühe) is capped at LOOK_ALIKE_CONFIDENCE: a person
# reads it. bench.heldout_sizes (120 strangers' sheets at 7-10 pt, five faces, fine and normal
# faxes; main in brackets): sure and wrong 0 of 494 (4 of 498), records ok 16 (17), none of them with
# a wrong name (1): the four fields it took were the four wrong ones. Tried first and dropped: the reading drawn again and
# weighed against its look-alikes (formkit.scan.redraw, margin 0.5) doubted 'Ilmenau' (rival
# 'Ilrnenau', 0.03) and left 'Kommarkt' (0.62): on 277 sure fields the right ones spread over
# 0-1, the wrong ones lay at 0.36-0.62.
LOOK_ALIKE_KINDS = ("name", "institution", "address", "email")
LOOK_ALIKE_CONFIDENCE = 0.9

# --- OCR levers (issue 11) ---------------------------------------------------------------------
# Ink groups lower than this (mm) left after line removal are border remains, not text; such a
# group within LOW_GROUP_NEAR_MM of a letter-high group stays (a comma, a full stop, a hyphen).
# Letters at 10 pt are >= 1.8 mm high (x-height); normal-mode faxes left 0.3-1 mm stubs.
LOW_GROUP_MM = 1.4
LOW_GROUP_NEAR_MM = 1.5
# Grey scans read from the box interior: the inked part plus this margin (mm) is cut out.
OCR_TRIM_PAD_MM = 0.5
# Field confidence is capped at the weakest character's confidence plus this: Tesseract's word
# confidence is monotone but not calibrated, its minimum symbol confidence separates right from
# wrong better (PITFALLS). Set on the bench corpus (see bench/scan.py's calibration table).
SYMBOL_CONF_MARGIN = 0.0
# Snapping a word to the campaign's vocabulary (formkit.scan.context.snap_word): words of at least
# SNAP_MIN_LETTERS letters, distance 1 (2 from SNAP_LONG_LETTERS letters), only when OCR was unsure
# of a character (symbol confidence below SNAP_MAX_SYMBOL_CONF, 0..100); a snapped field's
# confidence is capped at SNAPPED_CONFIDENCE, below OCR_OK: a proposal for a person, not a reading.
SNAP_MIN_LETTERS = 4
SNAP_LONG_LETTERS = 9
SNAP_MAX_SYMBOL_CONF = 90.0
SNAPPED_CONFIDENCE = 0.6
# A word OCR read surely that is not in the vocabulary but within the snapping distance of a word
# that is (formkit.scan.context.near_known): more likely that word misread than a new word
# ('Mehrgererationenhaus' at 0.96, the one confident error of the calibrated bench): capped here,
# below OCR_OK.
NEAR_WORD_CONFIDENCE = 0.9
# Agreement of OCR with a value the ink comparison found untouched (formkit.scan.verify.agrees):
# where OCR reads other text, OCR's text may explain the ink better than the printed value by less
# than this (cosine similarity, 0..1), else the value is not the printed one. Measured: OCR
# misreads of untouched print ("sonrieberg" for "sonneberg", "‚Iugendamt") fit 0.0001-0.0014
# better than the print (rn/n look alike: that is why OCR confuses them); a different letter
# ("Möller" printed where the list says "Müller", "moeller" for "mueller") 0.005-0.009 better.
# Tesseract's symbol confidences did not separate the two (misreads 96-99, real letters 99-100).
# Ink and OCR disagreeing: capped at AGREE_CONFLICT_CONFIDENCE, a person looks.
AGREE_FIT_MARGIN = -0.002
AGREE_CONFLICT_CONFIDENCE = 0.5
# A value read that is word for word the mailing list's entry for the person in the QR
# (formkit.fields.same_words) is confirmed at this confidence, above OCR_OK: OCR does not make a
# person's exact words by chance. Never for snapped values, never against another person's entry.
LIST_AGREEMENT_CONFIDENCE = 0.97

# Ink between two recognised words that no word holds (formkit.scan.ocr.unread_ink_between): OCR
# left a mark out. The bench's confident errors at OCR_OK 0.95 were all of this kind ('Zöllner
# Ines' for 'Zöllner, Ines', 0.95-0.96), so such a value is capped below OCR_OK. A comma at 10 pt
# through a fine fax is about 0.3 mm² of ink (about 20 px at 8 px/mm); fax specks left after
# clean_zone are a few pixels.
UNREAD_INK_MIN_MM2 = 0.12
UNREAD_INK_CONFIDENCE = 0.9
# The same cap where OCR never saw the mark (formkit.scan.ocr.lost_mark): a group of the zone's ink
# before the noise removal, as heavy as a word (MIN_WORD_INK_MM2) and LOW_GROUP_MM high, level with
# the writing and all of it removed (a thin slash a light fax broke into single pixels: 'Volkssolidarität
# Ohrdruf Bürgermeister' read 0.95, bench seed 2023; a light house number after the street: 'Zum
# Sportplatz' 0.96, seed 2027). No new threshold: the noise removal's own.
# Ink in the first or last column or row of a box's interior (BOX_INNER_INSET_MM inside its
# lines), at least this much in total: the value runs into one of the box's lines, and line
# removal may have taken a glyph's stem with it ('39610 Sömmerda' for 99610, typed flush with the
# left line; both models read it so and the witness stated it 0.96, bench.heldout_campaigns) or a
# comma's tail ('Universität Erfurt. Staatswissenschaftliche …' at 0.952, typed on the bottom
# line). Such a reading is capped below OCR_OK and never witnessed. Values set inside the box
# (every filler and the print copy) leave those lines white: 0 px on the held-out returners read;
# flush with a line 21-376 px, 1 mm above the bottom line 2 px (a comma's tip; fine fax, 8 px/mm).
EDGE_INK_MIN_MM = 0.3
EDGE_INK_CONFIDENCE = 0.9
# Writing that runs on past the box's right line (formkit.scan.ocr.ink_beyond) is cut
# there and capped as edge ink: a word processor's line wider than the box was read sure without
# its last word part (bench.heldout_fonts, DejaVu Sans Mono Bold 13 pt). Looked for in the zone's
# outer strip, BEYOND_LINE_CLEAR_MM clear of the printed line (the line's half width plus the fit
# error, 0.05 mm median), level with the writing inside; at least 4 px of a fine fax (a glyph's
# serif or stroke cut by the strip: 6 px where 'Zeule|nroda' crossed the line between letters; a
# speck level with the text in a 0.6 mm strip is rare), columns through more than
# BEYOND_LINE_SHARE of the interior's height left out (the box's own line, placed a little off).
BEYOND_LINE_CLEAR_MM = 0.4
BEYOND_INK_MIN_MM2 = 0.06
BEYOND_LINE_SHARE = 0.6
# How far right of a text field's zone (1 mm past the box) the reader still looks for writing that
# ran on past the box (formkit.scan.reader.free_right; less where the form prints something): a
# line that crosses the box's line in a word gap starts its next word 1.3 mm past the line at
# 16 pt (DejaVu Sans Bold, a space of 1.8 mm: 'Frühe' read 0.97 for 'Frühe Hilfen',
# bench.heldout_office), beyond the zone. 3 mm holds a space up to 24 pt.
BEYOND_FAR_MM = 3.0

# A name or institution whose word begins with a small c/o/s/v/w/x/z/ä/ö/ü where a capital is due
# (formkit.fields.case_in_doubt) is capped here, below OCR_OK: the case of these letters is their size
# alone, which a fax blurs ('Thilo weißgerber' 0.953, Liberation Mono 10 pt fine fax,
# bench.heldout_office). The bench corpus (seeds 2018, 2022) reads no such word: no field changes.
CASE_DOUBT_CONFIDENCE = 0.9

# --- cross-field agreement (formkit.scan.agree) -------------------------------------------------
# Two reads of one word (the place in institution, address and e-mail domain; the surname in name
# and e-mail) count as the same word misread when at most 1 letter apart (2 from
# AGREE_LONG_LETTERS letters); words shorter than AGREE_MIN_LETTERS must agree exactly ("Jena" and
# "Gera" are two towns, not a misread), as the vocabulary's snapping does.
AGREE_MIN_LETTERS = 5
AGREE_LONG_LETTERS = 9
# An e-mail address whose every part another field states (local part "initial.surname" or
# "first.last" from the name, domain from the address's town and the institution, a common
# top-level domain) is raised to AGREE_CONFIRMED_CONFIDENCE, above OCR_OK, when OCR gave it at
# least AGREE_RAISE_FROM. Measured with an offline replay of the bench's reads (typed faxes and
# scans, list members and strangers): 66 of 66 such addresses right on the seed-2018 corpus, 141 of
# 141 on a seed-2019 corpus of 224 typed returns (207 of 207; with no error seen, the 95 % upper
# bound of the error rate is still 1.4 %). Right at every OCR confidence from 0.1 to 0.95, so the
# floor stays 0; the two confident errors an earlier rule made ('j-poessneck': a separator no
# field states; 'Münchenbernscorf' misread alike in institution and e-mail while the address
# disagreed) are excluded by the rule, not by a floor.
AGREE_RAISE_FROM = 0.0
AGREE_CONFIRMED_CONFIDENCE = 0.96
# Two reads that disagree and nothing else to decide between them: the field read with the higher
# confidence wins only from this confidence on (bench: 'Wiächtier' at 0.42 overruled a right
# 'k.waechtler' at 0.38); below it, a dispute without a proposal.
AGREE_SOURCE_MIN = 0.5

# --- calibration of OCR confidence per field kind (formkit.scan.calibration) --------------------
# Per kind the raw confidence (Tesseract's weakest word, capped by its weakest character) that is
# stated as OCR_OK; the map is linear below and above it. Fitted with ``python -m bench.calibrate``
# on values people typed (strangers' sheets in Helvetica, Times, Courier 9-12 pt; members' phone
# and date), fine and normal-mode faxes and grey scans, as the lowest raw confidence from which the
# kind's fields were right at least CALIBRATION_MIN_RIGHT of the time, with at least 40 fields
# above it, and never below CALIBRATION_FLOOR. One corpus is not enough: knots fitted on seed 31
# alone let 2.5 % confident errors through on seed 32, seed 32's 0.26 % on seed 31 (``python -m
# bench.calibrate fit obs31.json obs32.json``): the knots below come from both together (1,665
# fields). On the seed ``bench scan`` reports on (2018), no field stated at OCR_OK or above by
# them was wrong (0 of 524; 442 without calibration). Address (surest errors 0.84-0.93) has no
# knot: it states its raw confidence. Refitted for phone and date after they came to be read sharp
# (issue 11, third round; the fit without the witness, which acts on stated values): date 0.893 ->
# 0.899, and phone, which had no knot, 0.954 — above OCR_OK, so a phone read at raw 0.953
# ('03653 533053' for 538053, seed 32) is no longer stated sure. Still through at the date knot:
# '13.03.2018' for 19.03. at raw 0.923 (seed 32, Courier 10), one of 159 sure dates there.
CALIBRATION_MIN_RIGHT = 0.995
CALIBRATION_FLOOR = 0.8
CALIBRATION: dict[str, float] = {"name": 0.916, "institution": 0.907, "email": 0.890, "date": 0.899,
                                 "phone": 0.954}

# Punctuation kept by the noise removal (formkit.scan.ocr.clean_zone, keep_marks): a group lighter
# than MIN_WORD_INK_MM2 but at least this heavy, beside a word. A comma through a light fax is
# 4-6 px at 8 px/mm (0.06-0.09 mm²); fax specks are 1-2 px (0.015-0.03 mm²).
MARK_MIN_MM2 = 0.045
# Fax zones are softened with a Gaussian of this sigma (mm) before Tesseract reads them: the
# bilevel steps of a 204-dpi fax resampled into layout space read better with soft edges. Bench
# corpus (seeds 2018 and 77, fields exact, fine / normal): none 321+333 / 120+119, 0.09 mm
# 334+343 / 123+133, 0.125 mm 330+337 / 127+140, 0.16 mm 317+325 / 126+130, of 360 / 180+174.
OCR_SMOOTH_MM = 0.09
# A fax whose rows are COARSE_ROWS_PX zone pixels apart or more (a normal-mode fax's 0.26 mm rows:
# 2.1 px at OCR_PX_PER_MM; fine mode 1.04) is read with the grey filled in between its rows
# (formkit.scan.ocr.fill_rows): a vertical box ROW_FILL rows wide over the repeated rows, before the
# smoothing above. Chosen with the zone harness (``python -m bench.zones``: every typed field of the
# normal-mode faxes, read_zone's inputs replayed; fields exact of 205 / 202 / 207 on bench seeds
# 2018 / 2019 / 2020): rows as repeated 152 / 147 / 138, ROW_FILL 0.75 155 / 149 / 136, 1.0 (linear
# interpolation) 160 / 141 / 141, 1.5 150 / 145 / -, 2.0 139 / - / -. ``bench scan`` with
# FK_BENCH_WITHOUT=coarse_rows, normal-mode typed fields exact (seed 2018 / held-out 2021): Courier
# 27 -> 28 / 27 -> 30 of 43 / 53, Times 31 -> 34 / 18 -> 19, Helvetica alike, print 63 -> 64 /
# 59 -> 60; fields stated sure 583 -> 586 / 541 -> 551, none wrong; name + institution of strangers
# 13 -> 13 of 19 / 10 -> 9 of 19 (within the noise: single readings flip either way). Fine faxes and
# scans read the same.
# Tried on the same zones and dropped: a vertical Gaussian instead of the box (158 / 141 / -),
# thresholding the filled grey to black and white (137), closing one-row gaps in strokes (126, 108),
# the ink mask taken from the filled grey (one more sure error), telling Tesseract another
# resolution (no reading changed), thickening only zones with thin strokes (seed 2020: 138 -> 129),
# Tesseract's standard deu model (151), reading several variants and keeping the surest or the middle
# one (no better, more sure errors), and specks of one normal-mode pixel (0.032 mm2, above SPECK_MM2)
# removed: 155 / 147 / 140 alone, but 'Heldrüngen' became 'Heldrungen' and left 'Zum Sponplatz 15'
# (for Sportplatz) confirmed by the witness at 0.96 (bench seed 2018), and full stops of light faxes
# went ('nordhausende').
# Off by default (ocr.Levers.coarse_rows), measured after the merge: on bench seed 2019 it raised a
# wrong date read from a normal-mode fax to 0.953 ('20.02.2018' for 20.03.2018; 0.834 with the rows
# as repeated), a confident error the calibration was not fitted for. Switch it on only with a
# calibration fitted on filled rows.
COARSE_ROWS_PX = 1.5
ROW_FILL = 0.75
# A fax field whose first reading is unsure (below OCR_OK) is read again from the same zone
# thickened by one pixel (a 2x2 minimum filter): thin, broken strokes of light faxes ('l' read
# as 'i', 'm' as 'rn') close up. Where the two readings differ, the one that is word for word the
# list's entry of the person in the QR is kept, else the thickened one only when its score
# (weakest word or character) is better by SECOND_PASS_MARGIN (the first, smoothed reading is the
# better one on its own); the field then stays below OCR_OK, at most SECOND_PASS_CONFIDENCE.
# Bench seeds 2018 / 77, fields exact fine+normal of 540 / 534: one pass 457 / 476, with the
# second pass 470 / 481; margin 0 / 0.02 / 0.05 alike within 2 fields.
# Digits (phone, date: fields.KindRules.sharp) are read from the fax zone as it is, not smoothed.
# Smoothing made one '09.04.2018' a '04.04.2018' at 0.958 (held-out seed 5), and a second,
# confirming pass on the sharp zone cost as much as the first. Read sharp only, phone and date of
# fine + normal faxes, exact / at or above OCR_OK / wrong at or above OCR_OK, smoothed and confirmed
# -> sharp (bench seeds 2018, 2019, 5; 188 fields each): 179/127/0 -> 176/131/0,
# 171/114/0 -> 169/124/0, 169/119/0 -> 166/122/0; a fine fax page 0.179 -> 0.156 s CPU (seed 2018).
SECOND_PASS_CONFIDENCE = 0.9
SECOND_PASS_MARGIN = 0.02

# --- a second model as witness (formkit.scan.witness, KindRules.witness) ------------------------
# A reading below OCR_OK is read again from the same zone by Tesseract's English model, trained
# apart from ``deu`` (Debian's tesseract-ocr-eng); where the witness confirms it (scan.witness.agrees)
# it is stated at WITNESS_CONFIDENCE. Replayed offline on the bench's typed fields below OCR_OK
# (fine and normal faxes, scans; the crops the reader gives Tesseract, read again by the witness):
# - digits (phone, date), stated >= WITNESS_FROM and the witness itself sure (weakest word and
#   character >= WITNESS_SURE): seeds 2018 / 2019 (chosen on) / 32 (checked after): phone 27 / 29 /
#   35 right ones confirmed, none wrong; date 12 / 10 / 5 right, none wrong. Without WITNESS_SURE '03686 807264' for 03680 … (0.88,
#   normal fax) and '20.02.2018' for 20.03. (0.84) were confirmed; below WITNESS_FROM readings were
#   too often wrong ('93661 715328' at 0.4).
# - addresses (KindRules.witness "text"): read alike letter for letter from WITNESS_EXACT_FROM, or
#   alike but for umlauts and ß (scan.witness.agrees) from WITNESS_TEXT_FROM. Replayed on seeds
#   2018, 2019, 31 and 32 together: 81 right addresses confirmed, none wrong. With the second floor
#   at 0.88 (chosen on the first three seeds) seed 32 had 'Töptergasse' for Töpfergasse at 0.901
#   read alike by both models (86 right, 1 wrong); at 0.8 'Töpferyasse' (0.84) came back alike too:
#   the fax had made the letter, both models read it. So 0.91 was set after seeing seed 32, which
#   is no longer unseen. The witness's own confidence says little on German text (its symbol
#   confidences did not separate the wrong one). Right addresses sit at 0.91-0.93 because
#   Tesseract caps words outside its dictionary (street and town names) there, not because a
#   letter is in doubt. Names and institutions have no witness: both models read 'Kruger' where the
#   fax lost the umlaut's dots, and 'Großbreitenbach 0 Bürgermeisterin' where a normal-mode fax lost
#   a thin '/' (tests/test_scan_witness.py caught it). A reading capped for a named doubt (a word
#   near a known one, ink left unread) is never confirmed. The German standard model as witness
#   confirmed 4 wrong addresses of 14 (it shares the fast model's training: 'Große Fieischgasse'
#   read alike by both).
WITNESS_MODEL = "eng"
WITNESS_FROM = 0.5
WITNESS_EXACT_FROM = 0.7
WITNESS_TEXT_FROM = 0.91
WITNESS_SURE = 0.9
WITNESS_CONFIDENCE = 0.96
# A date stated sure is read by the witness as well; other digits (separators aside) cap it at
# WITNESS_DOUBT_CONFIDENCE, a person looks. Replayed on the sure, typed, not verified dates and phone
# numbers of bench seeds 2018 / 2022 (the witness on the zone deu read; /tmp/digits.py in issue 11's
# sixth round): seed 2022's two sure wrong dates ('17.03.2018' for 17.04., fine fax, Courier 9;
# '13.04.2018' for 15.04., normal fax) were both read right by the witness; right ones it read
# otherwise: dates 0 of 108 / 2 of 92 ('62.03.2018' normal fax, '26.03.2918' grey scan), phone
# numbers 0 of 79 / 1 of 73 (with no wrong sure phone number on either seed to catch: phones stay
# unwitnessed when sure, a Tesseract call saved per page). ``bench scan`` after the change: seed 2022
# sure typed fields wrong 3 of 558 -> 1 of 555 (the two dates to a person; 'Töpforgasse' remains,
# see WITNESS_TEXT_FROM), right dates below OCR_OK 8 -> 9; seed 2018 0 of 600 either way, right dates
# below OCR_OK 4 -> 4; a fine fax page's CPU median 0.126 -> 0.129 s (same run's baseline alike).
WITNESS_DOUBT_KINDS = frozenset({"date"})
WITNESS_DOUBT_CONFIDENCE = SECOND_PASS_CONFIDENCE

# --- fax line errors: the garbage rows beside one (issue 11, qa6) ---------------------------
# A G3 decoder that lost sync draws a black run (erased by remove_streaks) and then some rows of
# random bits across the whole width until it finds the next EOL. Rows within STREAK_GARBAGE_MM
# of an erased run whose ink reaches into every one of STREAK_GARBAGE_SEGMENTS equal parts of the
# page's width are such rows: no printed or written row has ink in the page's side margins (a
# 210 mm page cut in 20 parts: 10.5 mm each, the form's margins are >= 15 mm). In those rows only
# the ink groups that lie wholly inside them are erased; a letter that crosses them keeps its
# stroke. bench heldout_fonts' streak through a printed name (2 black rows, then 3 of 30 % random
# bits) read the name empty before.
STREAK_GARBAGE_MM = 1.0
STREAK_GARBAGE_SEGMENTS = 20

# --- a text layer checked against its page (formkit.read.crosscheck, issue 11, qa6) ------------
# Each value a text layer would state sure is read again by OCR from the page rendered at this
# resolution (the scan reader's 8 px/mm) and must be the same characters; else it is capped at
# TEXTLAYER_UNCONFIRMED_CONFIDENCE (below OCR_OK: a person reads it) with a reason. A subset font
# whose /ToUnicode maps glyphs to wrong but normal letters gave 'Herre Saamerr' for the drawn
# 'Hanna Seemann' at 0.97 before (tests/test_heldout_fonts_regressions.py). Measured: 36 flattened
# sheets (pdftk flatten, Ghostscript pdfwrite, PyMuPDF then pdftk; 12 returners of tests.returns)
# and the 5 text-layer pages of bench heldout / heldout_fonts: no right value capped (216 values on
# the 36; none on the 5); the check costs about 0.35 s a text-layer page (a render, 5 Tesseract calls).
TEXTLAYER_CROSSCHECK_DPI = 203
TEXTLAYER_UNCONFIRMED_CONFIDENCE = 0.5

# --- a registration typed into an e-mail's text (formkit.read.mailtext, issue 11, qa6) ----------
# Every value taken from a mail's text (and the venue it names) is a proposal: below OCR_OK, so the
# record always goes to a person, who reads the mail beside it on the review page.
MAILTEXT_CONFIDENCE = 0.5
