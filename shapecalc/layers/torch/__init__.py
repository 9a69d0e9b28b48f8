"""PyTorch torch.nn layer vocabulary: channels-first tensors, shapes as a forward pass gives them."""
