"""What leaders take away: the briefing (通报), slides, the deck and Excel files."""
