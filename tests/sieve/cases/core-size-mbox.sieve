# msg: mbox.eml
# the mbox "From " line is not part of the message
require "fileinto";
if size :over 127 { fileinto "over127"; }
if size :under 129 { fileinto "under129"; }
if size :over 150 { fileinto "with-from-line"; }
