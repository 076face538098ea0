"""The citizen's pages: the form (from a poster or not), the receipt and tracking, and the
rating, review and follow-up that close the loop; an answer as an image; the public answers board. `bp` is the blueprint with its parts."""
from app.citizen import answers, cards, feedback, files, held, views

bp = views.bp
bp.register_blueprint(feedback.bp)
bp.register_blueprint(files.bp)
bp.register_blueprint(cards.bp)
bp.register_blueprint(answers.bp)
held.init_blueprint(bp)
